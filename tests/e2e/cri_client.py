#!/usr/bin/python3
"""A minimal Kubernetes CRI (runtime.v1) client for the end-to-end tests.

crictl and critest are not packaged by Debian, so CI talks to containerd's
CRI socket with this: the few RuntimeService calls a pod's life needs, and a
small protobuf encoder/decoder driven by the field numbers of the CRI API
(k8s.io/cri-api, runtime/v1/api.proto) for the fields used here only.

Usage: cri_client.py SOCKET METHOD 'JSON request'  ->  JSON response on stdout.
An RPC error prints "error: CODE: DETAILS" on stderr and exits 1.
"""
import json
import sys

import grpc

# message -> {field: (number, type, repeated)}; a type is a scalar kind or
# another message; "map" is map<string, string>.
SCHEMA = {
    "VersionRequest": {"version": (1, "string", False)},
    "VersionResponse": {"version": (1, "string", False), "runtime_name": (2, "string", False),
                        "runtime_version": (3, "string", False), "runtime_api_version": (4, "string", False)},
    "PodSandboxMetadata": {"name": (1, "string", False), "uid": (2, "string", False),
                           "namespace": (3, "string", False), "attempt": (4, "varint", False)},
    "NamespaceOption": {"network": (1, "varint", False), "pid": (2, "varint", False), "ipc": (3, "varint", False)},
    "Int64Value": {"value": (1, "varint", False)},
    "LinuxSandboxSecurityContext": {"namespace_options": (1, "NamespaceOption", False),
                                    "run_as_user": (3, "Int64Value", False), "readonly_rootfs": (4, "bool", False),
                                    "privileged": (6, "bool", False), "run_as_group": (8, "Int64Value", False)},
    "LinuxPodSandboxConfig": {"cgroup_parent": (1, "string", False),
                              "security_context": (2, "LinuxSandboxSecurityContext", False)},
    "PodSandboxConfig": {"metadata": (1, "PodSandboxMetadata", False), "hostname": (2, "string", False),
                         "log_directory": (3, "string", False), "labels": (6, "map", False),
                         "linux": (8, "LinuxPodSandboxConfig", False)},
    "RunPodSandboxRequest": {"config": (1, "PodSandboxConfig", False), "runtime_handler": (2, "string", False)},
    "RunPodSandboxResponse": {"pod_sandbox_id": (1, "string", False)},
    "PodSandboxIdRequest": {"pod_sandbox_id": (1, "string", False)},
    "Empty": {},
    "ContainerMetadata": {"name": (1, "string", False), "attempt": (2, "varint", False)},
    "ImageSpec": {"image": (1, "string", False)},
    "KeyValue": {"key": (1, "string", False), "value": (2, "string", False)},
    "Mount": {"container_path": (1, "string", False), "host_path": (2, "string", False),
              "readonly": (3, "bool", False), "propagation": (5, "varint", False)},
    "LinuxContainerSecurityContext": {"privileged": (2, "bool", False),
                                      "namespace_options": (3, "NamespaceOption", False),
                                      "run_as_user": (5, "Int64Value", False), "readonly_rootfs": (7, "bool", False),
                                      "no_new_privs": (11, "bool", False), "run_as_group": (12, "Int64Value", False)},
    "LinuxContainerConfig": {"security_context": (2, "LinuxContainerSecurityContext", False)},
    "ContainerConfig": {"metadata": (1, "ContainerMetadata", False), "image": (2, "ImageSpec", False),
                        "command": (3, "string", True), "args": (4, "string", True),
                        "working_dir": (5, "string", False), "envs": (6, "KeyValue", True),
                        "mounts": (7, "Mount", True), "log_path": (11, "string", False),
                        "linux": (15, "LinuxContainerConfig", False)},
    "CreateContainerRequest": {"pod_sandbox_id": (1, "string", False), "config": (2, "ContainerConfig", False),
                               "sandbox_config": (3, "PodSandboxConfig", False)},
    "CreateContainerResponse": {"container_id": (1, "string", False)},
    "ContainerIdRequest": {"container_id": (1, "string", False)},
    "StopContainerRequest": {"container_id": (1, "string", False), "timeout": (2, "varint", False)},
    "ContainerStatus": {"id": (1, "string", False), "state": (3, "varint", False), "exit_code": (7, "varint", False),
                        "reason": (10, "string", False), "message": (11, "string", False),
                        "log_path": (15, "string", False)},
    "ContainerStatusResponse": {"status": (1, "ContainerStatus", False)},
    "ExecSyncRequest": {"container_id": (1, "string", False), "cmd": (2, "string", True),
                        "timeout": (3, "varint", False)},
    "ExecSyncResponse": {"stdout": (1, "bytes", False), "stderr": (2, "bytes", False),
                         "exit_code": (3, "varint", False)},
}
MAP_ENTRY = {"key": (1, "string", False), "value": (2, "string", False)}

# method -> (request message, response message)
METHODS = {
    "Version": ("VersionRequest", "VersionResponse"),
    "RunPodSandbox": ("RunPodSandboxRequest", "RunPodSandboxResponse"),
    "StopPodSandbox": ("PodSandboxIdRequest", "Empty"),
    "RemovePodSandbox": ("PodSandboxIdRequest", "Empty"),
    "CreateContainer": ("CreateContainerRequest", "CreateContainerResponse"),
    "StartContainer": ("ContainerIdRequest", "Empty"),
    "StopContainer": ("StopContainerRequest", "Empty"),
    "RemoveContainer": ("ContainerIdRequest", "Empty"),
    "ContainerStatus": ("ContainerIdRequest", "ContainerStatusResponse"),
    "ExecSync": ("ExecSyncRequest", "ExecSyncResponse"),
}
STATES = ["CONTAINER_CREATED", "CONTAINER_RUNNING", "CONTAINER_EXITED", "CONTAINER_UNKNOWN"]


def varint(n):
    n &= (1 << 64) - 1  # negative int64 as ten bytes, as protobuf does
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def encode(fields, value):
    out = bytearray()
    for name, v in value.items():
        number, kind, repeated = fields[name]
        if kind == "map":
            items = [encode(MAP_ENTRY, {"key": k, "value": x}) for k, x in v.items()]
            out += b"".join(varint(number << 3 | 2) + varint(len(e)) + e for e in items)
            continue
        for item in (v if repeated else [v]):
            if kind in ("varint", "bool"):
                out += varint(number << 3) + varint(int(item))
            else:
                data = item.encode() if kind == "string" else encode(SCHEMA[kind], item)
                out += varint(number << 3 | 2) + varint(len(data)) + data
    return bytes(out)


def read_varint(data, i):
    n = shift = 0
    while True:
        b = data[i]
        i += 1
        n |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return n, i


def decode(fields, data):
    by_number = {number: (name, kind, repeated) for name, (number, kind, repeated) in fields.items()}
    out, i = {}, 0
    while i < len(data):
        key, i = read_varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            raw, i = read_varint(data, i)
        elif wire == 2:
            size, i = read_varint(data, i)
            raw, i = data[i:i + size], i + size
        elif wire in (1, 5):
            width = 8 if wire == 1 else 4
            raw, i = data[i:i + width], i + width
        else:
            raise ValueError("unsupported wire type %d" % wire)
        if number not in by_number:
            continue  # a field this client does not read
        name, kind, repeated = by_number[number]
        if kind == "varint":
            value = raw - (1 << 64) if raw >= 1 << 63 else raw
        elif kind == "bool":
            value = bool(raw)
        elif kind in ("string", "bytes"):
            value = raw.decode(errors="replace")
        else:
            value = decode(SCHEMA[kind], raw)
        if repeated:
            out.setdefault(name, []).append(value)
        else:
            out[name] = value
    return out


def main():
    socket, method, request = sys.argv[1], sys.argv[2], json.loads(sys.argv[3] if len(sys.argv) > 3 else "{}")
    req_type, resp_type = METHODS[method]
    channel = grpc.insecure_channel("unix://" + socket)
    call = channel.unary_unary("/runtime.v1.RuntimeService/" + method,
                               request_serializer=lambda v: encode(SCHEMA[req_type], v),
                               response_deserializer=lambda b: decode(SCHEMA[resp_type], b))
    try:
        response = call(request, timeout=120)
    except grpc.RpcError as e:
        print("error: %s: %s" % (e.code().name, e.details()), file=sys.stderr)
        return 1
    if "status" in response:  # proto3 leaves a zero out: no state is CONTAINER_CREATED
        response["status"]["state"] = STATES[response["status"].get("state", 0)]
    print(json.dumps(response))
    return 0


if __name__ == "__main__":
    sys.exit(main())
