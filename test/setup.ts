// Adds cdktf's matchers (toHaveResourceWithProperties, …) to expect, and their types.
import { Testing } from 'cdktf';
import type {} from 'cdktf/lib/testing/adapters/jest';

Testing.setupJest();
