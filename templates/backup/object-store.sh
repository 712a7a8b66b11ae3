# shellcheck shell=bash
# Object storage for etcd snapshots, sourced by etcd-backup.sh and etcd-restore.sh: put,
# list, get and delete one object in the bucket (or Azure container) of one target, with
# curl and nothing else.
#
# A target is set in these variables before a call:
#   STORE_NAME     for messages (aws, gcp, azure, digitalocean)
#   STORE_KIND     s3 (AWS S3, GCS, DigitalOcean Spaces) or azure (Azure Blob)
#   STORE_URL      the bucket's URL, no trailing slash: https://<bucket>.s3.<region>.amazonaws.com,
#                  https://storage.googleapis.com/<bucket>, https://<bucket>.<region>.digitaloceanspaces.com,
#                  https://<account>.blob.core.windows.net/<container>
#   STORE_REGION   s3: the region the signature names (GCS: "auto")
#   STORE_KEY_ID, STORE_SECRET   s3: the access key (GCS: an HMAC key)
#   STORE_SAS      azure: a SAS token for the container (with or without the leading "?")
#
# s3: Signature Version 4 by curl's --aws-sigv4 (curl 7.75 and later). S3 and Spaces take it
# natively (DigitalOcean Spaces API reference, "Authentication"); GCS takes it in its XML API
# with an HMAC key ("HMAC keys" and "Simple migration": Cloud Storage accepts
# AWS4-HMAC-SHA256 signatures from HMAC keys, region "auto").
# azure: Blob service REST (Put Blob, List Blobs, Get Blob, Delete Blob) authorized by the
# SAS token in the query string ("Create a service SAS").
#
# Secrets never reach a command line (another process could read them in /proc): curl
# reads the credentials and any URL carrying a SAS from its standard input (--config -).

# Per request: give up on a connection after this long, a transfer after that.
STORE_CONNECT_TIMEOUT="${CAST_STORE_CONNECT_TIMEOUT:-15}"
STORE_MAX_TIME="${CAST_STORE_MAX_TIME:-1800}"
# Transient failures (timeouts, 5xx) are retried by curl, with its backoff.
STORE_RETRIES="${CAST_STORE_RETRIES:-3}"
# Azure Blob service version of the requests: 2019-12-12 and later take a Put Blob of up
# to 5,000 MiB ("Put Blob", Remarks); the SAS's own version is in the token.
STORE_AZURE_VERSION=2021-08-06

# Percent-encodes $1 as RFC 3986 unreserved characters (for a query value).
store_urlencode() {
  local text=$1 out='' char i
  for ((i = 0; i < ${#text}; i++)); do
    char=${text:i:1}
    case $char in
      [a-zA-Z0-9.~_-]) out+=$char ;;
      *) out+=$(printf '%%%02X' "'$char") ;;
    esac
  done
  printf '%s' "$out"
}

# store_request METHOD PATH QUERY [curl args...]: one request to the target; the response
# body goes to standard output, curl's error (with the body of an error response) to
# standard error. QUERY is encoded already, its parameters sorted by name (SigV4's
# canonical query string sorts them; so does this, to sign exactly what is sent).
store_request() {
  local method=$1 path=$2 query=$3
  shift 3
  local url="$STORE_URL/$path"
  case $STORE_KIND in
    s3)
      [ -z "$query" ] || url="$url?$query"
      {
        printf 'user = "%s:%s"\n' "$STORE_KEY_ID" "$STORE_SECRET"
        printf 'url = "%s"\n' "$url"
      } | curl --config - -sS --fail-with-body --connect-timeout "$STORE_CONNECT_TIMEOUT" --max-time "$STORE_MAX_TIME" \
        --retry "$STORE_RETRIES" -X "$method" --aws-sigv4 "aws:amz:$STORE_REGION:s3" "$@"
      ;;
    azure)
      local sas=${STORE_SAS#\?}
      url="$url?${query:+$query&}$sas"
      printf 'url = "%s"\n' "$url" |
        curl --config - -sS --fail-with-body --connect-timeout "$STORE_CONNECT_TIMEOUT" --max-time "$STORE_MAX_TIME" \
          --retry "$STORE_RETRIES" -X "$method" -H "x-ms-version: $STORE_AZURE_VERSION" "$@"
      ;;
    *)
      echo "object-store: target $STORE_NAME has kind \"$STORE_KIND\"; use s3 or azure." >&2
      return 2
      ;;
  esac
}

# store_put KEY FILE: uploads FILE as KEY.
store_put() {
  local key=$1 file=$2
  case $STORE_KIND in
    # The payload's SHA-256 is signed: the store refuses a body that does not match it
    # (S3 API reference, "Common request headers", x-amz-content-sha256).
    s3) store_request PUT "$key" '' -T "$file" -H "x-amz-content-sha256: $(sha256sum "$file" | cut -d' ' -f1)" -o /dev/null ;;
    azure) store_request PUT "$key" '' -T "$file" -H 'x-ms-blob-type: BlockBlob' -o /dev/null ;;
    *) store_request PUT "$key" '' ;;
  esac
}

# store_get KEY FILE: downloads KEY into FILE.
store_get() {
  local key=$1 file=$2
  case $STORE_KIND in
    s3) store_request GET "$key" '' -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -o "$file" ;;
    *) store_request GET "$key" '' -o "$file" ;;
  esac
}

# store_delete KEY
store_delete() {
  case $STORE_KIND in
    s3) store_request DELETE "$1" '' -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -o /dev/null ;;
    *) store_request DELETE "$1" '' -o /dev/null ;;
  esac
}

# store_list PREFIX: every key that starts with PREFIX, one a line, page after page
# (ListObjectsV2 answers at most 1,000 keys a page, List Blobs 5,000; GCS's XML API takes
# list-type=2 and continuation-token too: Cloud Storage XML API, "List objects"). Keys are read from
# the XML with grep and sed: the keys this library writes hold no XML-escaped character.
store_list() {
  local prefix=$1 token='' page query
  while :; do
    case $STORE_KIND in
      s3)
        query="list-type=2&prefix=$(store_urlencode "$prefix")"
        [ -z "$token" ] || query="continuation-token=$(store_urlencode "$token")&$query"
        page=$(store_request GET '' "$query" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD') || return 1
        grep -o '<Key>[^<]*</Key>' <<<"$page" | sed -e 's/^<Key>//' -e 's/<\/Key>$//' || true
        token=$(grep -o '<NextContinuationToken>[^<]*</NextContinuationToken>' <<<"$page" | sed -e 's/^<NextContinuationToken>//' -e 's/<\/NextContinuationToken>$//' || true)
        ;;
      azure)
        query="comp=list${token:+&marker=$(store_urlencode "$token")}&prefix=$(store_urlencode "$prefix")&restype=container"
        page=$(store_request GET '' "$query") || return 1
        grep -o '<Name>[^<]*</Name>' <<<"$page" | sed -e 's/^<Name>//' -e 's/<\/Name>$//' || true
        token=$(grep -o '<NextMarker>[^<]*</NextMarker>' <<<"$page" | sed -e 's/^<NextMarker>//' -e 's/<\/NextMarker>$//' || true)
        ;;
      *) store_request GET '' '' || return ;;
    esac
    [ -n "$token" ] || return 0
  done
}
