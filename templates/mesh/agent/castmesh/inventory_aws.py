# The aws inventory of cast-node-gc (castmesh/node_gc.py): vm_state(ref, env) says whether the EC2
# instance behind a Node still exists: 'present', 'gone' (a definitive answer only) or 'unknown'.
#
# One call, EC2 DescribeInstances over the Query protocol (Amazon EC2 API Reference,
# API_DescribeInstances.html and "Making requests to the Amazon EC2 API"): POST
# https://ec2.<region>.amazonaws.com/ with a form body Action=DescribeInstances&Version=2016-11-15&...,
# signed with Signature Version 4 for the service `ec2` and the control plane's instance profile
# credentials from IMDSv2 (keys_aws.instance_credentials and keys_aws.sign_v4, as the key reader signs).
# The grant: ec2:DescribeInstances in the cluster's region (lib/keys/aws.ts, describeInstancesPolicy).
#   - A scaled node (providerID aws:///<zone>/<instance id>): InstanceId.1=<id>. The answer's
#     instance's instanceState/name decides: pending, running, stopping, stopped -> present (a stopped
#     instance starts again); shutting-down, terminated -> gone (a terminated instance stays visible for
#     up to an hour: "Recently terminated instances might appear in the returned results"). The error
#     InvalidInstanceID.NotFound -> gone. EC2 is eventually consistent, and a just-launched instance can
#     be NotFound for a moment (Amazon EC2 Developer Guide, "Eventual consistency in the Amazon EC2 API");
#     the caller asks only about a Node that has been NotReady for minutes, whose instance existed and
#     ran its kubelet, so NotFound here is the instance's absence, not its youth.
#     No instance in a 200 answer -> unknown: DescribeInstances leaves out an instance "you do not own"
#     instead of failing, which says nothing about ours.
#   - A static node (no providerID; its instance is tagged Name=<node name> and carries the tag key
#     cast-node-role, lib/nodes/aws.ts): Filter.1 tag:Name=<name>, Filter.2 tag-key=cast-node-role.
#     Any instance in a present state -> present; none, or only shutting-down/terminated ones -> gone.
#     Not the cluster-name tag: its value is what node.env held when this control plane was created
#     (its user data is never updated), while tags follow the code, and a filter that misses reads as gone.
# Everything else -> unknown, with one line on stderr: an error answer (UnauthorizedOperation while the
# role's grant propagates, AuthFailure, RequestLimitExceeded, 5xx; Amazon EC2 API Reference, "Error
# codes for the Amazon EC2 API": client errors are 4xx, server errors 5xx, both as
# <Response><Errors><Error><Code>...), an answer that is not a DescribeInstancesResponse, an instance
# state not listed above, the metadata service or the network failing, a ref it cannot resolve.
#
# The process environment may point both services elsewhere (tests): CAST_INVENTORY_API_URL (default
# https://ec2.<region>.amazonaws.com) and CAST_KEYS_METADATA_URL (default http://169.254.169.254).
import datetime
import os
import re
import sys
import urllib.parse
import xml.etree.ElementTree as ElementTree

from castmesh.keys import Refused, Unavailable, http_request
from castmesh.keys_aws import METADATA_URL, REGION, instance_credentials, sign_v4

SERVICE = 'ec2'
API_VERSION = '2016-11-15'
NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/'
CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=utf-8'
# instance-state-name values (Amazon EC2 API Reference, InstanceState).
PRESENT_STATES = {'pending', 'running', 'stopping', 'stopped'}
GONE_STATES = {'shutting-down', 'terminated'}
# The tag key every static instance carries (lib/nodes/aws.ts).
ROLE_TAG = 'cast-node-role'
# aws:///<zone>/<instance id>, as node-identity.sh writes it; ids are i- and 8 or 17 hex digits.
PROVIDER_ID = re.compile(r'^aws:///([a-z0-9-]+)/(i-[0-9a-f]{8}(?:[0-9a-f]{9})?)$')
INSTANCE_NAME_SUFFIX = re.compile(r'-i-[0-9a-f]{8}(?:[0-9a-f]{9})?$')
# A Kubernetes node name (RFC 1123 subdomain): nothing a tag filter would read as a wildcard (* ?).
NODE_NAME = re.compile(r'^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$')
# Pages of one answer followed at most; a filter on one Name tag matches a handful of instances.
MAX_PAGES = 5


def log(message):
    print(f'cast-node-gc: {message}', file=sys.stderr, flush=True)


class Unknown(Exception):
    """No definitive answer: the reason, for the log."""


def vm_state(ref, env):
    """'present', 'gone' or 'unknown' for the instance behind the Node `ref` names. Never raises."""
    name = str(ref.get('name') or '')
    try:
        return state_of(ref, env)
    except Unknown as error:
        log(f'aws: {name}: unknown: {error}')
    except (Unavailable, Refused) as error:
        log(f'aws: {name}: unknown: {error}')
    except Exception as error:  # a bug here must neither stop the round nor delete a Node
        log(f'aws: {name}: unknown: unexpected {type(error).__name__}: {error}')
    return 'unknown'


def state_of(ref, env):
    name = str(ref.get('name') or '')
    provider_id = str(ref.get('providerID') or '')
    region = str(ref.get('region') or env.get('CAST_KEYS_REGION') or '')
    if not REGION.match(region):
        raise Unknown(f'no AWS region for the node (topology.kubernetes.io/region {ref.get("region")!r}, CAST_KEYS_REGION {env.get("CAST_KEYS_REGION")!r})')
    if provider_id:
        match = PROVIDER_ID.match(provider_id)
        if not match:
            raise Unknown(f'the providerID {provider_id!r} is not aws:///<zone>/<instance id>')
        return scaled_state(match.group(2), api(region), region)
    if not NODE_NAME.match(name):
        raise Unknown(f'the node name {name!r} cannot be an instance\'s Name tag')
    if INSTANCE_NAME_SUFFIX.search(name):
        # Scaled nodes are named <prefix>-<instance id> and have a providerID; without one, the
        # Name-tag lookup below would miss their instance (tagged with the group's name) and read gone.
        raise Unknown('the name is a scaled node\'s (<prefix>-<instance id>) but the Node has no providerID')
    return static_state(name, api(region), region)


def api(region):
    return os.environ.get('CAST_INVENTORY_API_URL', f'https://ec2.{region}.amazonaws.com').rstrip('/') + '/'


def scaled_state(instance_id, url, region):
    status, code, root = describe_instances(url, region, [('InstanceId.1', instance_id)])
    if code == 'InvalidInstanceID.NotFound' and 400 <= status < 500:
        return 'gone'
    if status != 200:
        raise Unknown(f'DescribeInstances {instance_id}: HTTP {status} {code}')
    instances = instances_of(root)
    if not instances:
        raise Unknown(f'DescribeInstances {instance_id} answered no instance (one of another account is left out)')
    if any(instance['id'] != instance_id for instance in instances):
        raise Unknown(f'DescribeInstances {instance_id} answered other instances: {", ".join(i["id"] for i in instances)}')
    return decide([instance['state'] for instance in instances], instance_id)


def static_state(name, url, region):
    filters = [('Filter.1.Name', 'tag:Name'), ('Filter.1.Value.1', name), ('Filter.2.Name', 'tag-key'), ('Filter.2.Value.1', ROLE_TAG)]
    states = []
    token = ''
    for _ in range(MAX_PAGES):
        status, code, root = describe_instances(url, region, filters + ([('NextToken', token)] if token else []))
        if status != 200:
            raise Unknown(f'DescribeInstances Name={name}: HTTP {status} {code}')
        for instance in instances_of(root):
            if instance['tags'].get('Name') != name or ROLE_TAG not in instance['tags']:
                raise Unknown(f'DescribeInstances Name={name} answered instance {instance["id"]}, which the filters exclude')
            states.append(instance['state'])
        token = text_of(root, 'nextToken')
        if not token or any(state in PRESENT_STATES for state in states):
            return decide(states, f'Name={name}')
    raise Unknown(f'DescribeInstances Name={name}: still a nextToken after {MAX_PAGES} pages')


def decide(states, what):
    """present if any instance is; gone if every one is shutting-down or terminated (or there is none)."""
    if any(state in PRESENT_STATES for state in states):
        return 'present'
    strange = sorted(set(states) - GONE_STATES)
    if strange:
        raise Unknown(f'{what}: instance state {", ".join(strange)} is not one DescribeInstances documents')
    return 'gone'


def describe_instances(url, region, parameters):
    """One signed DescribeInstances: (HTTP status, error code or '', the XML root of a 200 answer or None)."""
    access_key, secret_key, session_token = instance_credentials(os.environ.get('CAST_KEYS_METADATA_URL', METADATA_URL).rstrip('/'))
    body = urllib.parse.urlencode([('Action', 'DescribeInstances'), ('Version', API_VERSION), *parameters], quote_via=urllib.parse.quote).encode()
    parts = urllib.parse.urlsplit(url)
    amz_date = datetime.datetime.now(datetime.timezone.utc).strftime('%Y%m%dT%H%M%SZ')
    headers = {'Content-Type': CONTENT_TYPE, 'Host': parts.netloc, 'X-Amz-Date': amz_date, 'X-Amz-Security-Token': session_token}
    signed = sign_v4('POST', parts.path or '/', parts.query, headers, body, access_key, secret_key, region, SERVICE)
    status, _, payload = http_request('POST', url, {**headers, 'Authorization': signed['authorization']}, body)
    root = parse(payload)
    if status != 200:
        return status, error_code(root) or '(no error code)', None
    if root is None or root.tag != f'{{{NAMESPACE}}}DescribeInstancesResponse':
        raise Unknown(f'the answer is not a DescribeInstancesResponse of {NAMESPACE}: {payload[:120]!r}')
    return status, '', root


def parse(payload):
    try:
        return ElementTree.fromstring(payload)
    except ElementTree.ParseError:
        return None


def error_code(root):
    """The first <Errors><Error><Code> of an EC2 error answer (documented without a namespace; one is ignored)."""
    for error in root.iter() if root is not None else ():
        if error.tag.rsplit('}', 1)[-1] == 'Error':
            for code in error:
                if code.tag.rsplit('}', 1)[-1] == 'Code':
                    return (code.text or '').strip()
    return ''


def text_of(element, name):
    child = element.find(f'{{{NAMESPACE}}}{name}')
    return (child.text or '').strip() if child is not None else ''


def instances_of(root):
    """Every instance of the answer: {'id', 'state', 'tags'}; Unknown if one lacks its id or state."""
    reservations = root.find(f'{{{NAMESPACE}}}reservationSet')
    if reservations is None:
        raise Unknown('the DescribeInstancesResponse has no reservationSet')
    instances = []
    for item in reservations.findall(f'{{{NAMESPACE}}}item/{{{NAMESPACE}}}instancesSet/{{{NAMESPACE}}}item'):
        instance_id = text_of(item, 'instanceId')
        state = item.find(f'{{{NAMESPACE}}}instanceState/{{{NAMESPACE}}}name')
        if not instance_id or state is None or not (state.text or '').strip():
            raise Unknown('an instance of the answer has no instanceId or instanceState/name')
        tags = {}
        for tag in item.findall(f'{{{NAMESPACE}}}tagSet/{{{NAMESPACE}}}item'):
            tags[text_of(tag, 'key')] = text_of(tag, 'value')
        instances.append({'id': instance_id, 'state': state.text.strip(), 'tags': tags})
    return instances
