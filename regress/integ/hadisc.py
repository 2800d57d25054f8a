#!/usr/bin/env python3
"""Home Assistant's view of v720d's MQTT discovery (stdlib + mosquitto_sub).

  hadisc.py PORT DISCOVERY_PREFIX TOPIC_PREFIX CAMERA_ID [OPTIONAL]

Reads the retained configs under DISCOVERY_PREFIX/+/v720d_ID/+/config and
checks each as Home Assistant's MQTT discovery documentation asks: valid
JSON, retained, the platform's required keys (camera: topic; sensor and
binary_sensor: state_topic; select: command_topic and options; switch and
button: command_topic), a unique_id, a device with identifiers (needed
for the device registry), availability on the daemon's status topic and
(but for connectivity) the camera's own; and every entity v720d promises
(INTERFACE.md) present.  OPTIONAL: the optional entities (settings the
camera showed it has, "comp/object,..." or "none") that must be there,
no more; without it, any of them may be.  Exits 0, or 1 with a message.
"""
import json
import subprocess
import sys

REQUIRED = {
    "camera": ["topic"],
    "sensor": ["state_topic"],
    "binary_sensor": ["state_topic"],
    "select": ["command_topic", "options"],
    "switch": ["command_topic"],
    "button": ["command_topic"],
}
WANT = {("camera", "camera"), ("sensor", "battery"), ("sensor", "wifi"),
        ("sensor", "sd_free"), ("sensor", "sd_total"),
        ("binary_sensor", "connectivity"), ("binary_sensor", "motion"),
        ("select", "ir_led"), ("select", "flip"), ("switch", "status_led"),
        ("switch", "stream"), ("button", "reboot")}
# The settings of caminfo_settings with a feature bit.
OPTIONAL = {("select", "video_quality"), ("select", "motion_sensitivity"),
            ("select", "white_light"), ("switch", "sd_recording"),
            ("button", "sd_format"), ("button", "ap_mode"),
            ("button", "wifi_scan"), ("select", "pir_mode"),
            ("select", "pir_sensitivity")}


def retained(port, topic, count, wait=5):
    p = subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port),
                        "-t", topic, "-v", "-W", str(wait), "-C", str(count),
                        "--retained-only", "-F", "%t %x"],
                       capture_output=True, text=True)
    out = []
    for line in p.stdout.splitlines():
        t, _, hx = line.partition(" ")
        out.append((t, bytes.fromhex(hx)))
    return out


def check(port, disc, prefix, cam, extra=None):
    """None if every config is right, else what is wrong."""
    cfgs = retained(port, "%s/+/v720d_%s/+/config" % (disc, cam), 100, 3)
    seen = set()
    for t, p in cfgs:
        parts = t.split("/")
        if len(parts) != 5 or parts[4] != "config":
            return "odd discovery topic %s" % t
        comp, obj = parts[1], parts[3]
        if comp not in REQUIRED:
            return "%s: unexpected component" % t
        try:
            c = json.loads(p)
        except ValueError:
            return "%s: not JSON: %r" % (t, p[:200])
        for k in REQUIRED[comp] + ["unique_id", "device", "availability"]:
            if k not in c:
                return "%s: no %s" % (t, k)
        if c["device"].get("identifiers") != ["v720d_" + cam]:
            return "%s: device identifiers %r" % (t, c["device"])
        for k, v in c.items():
            if k.endswith("_topic") or k == "topic":
                if not v.startswith(prefix + "/" + cam + "/"):
                    return "%s: %s %s outside %s/%s/" % (t, k, v, prefix,
                                                         cam)
        topics = [a["topic"] for a in c["availability"]]
        if prefix + "/status" not in topics:
            return "%s: no daemon availability" % t
        if obj != "connectivity" and \
                "%s/%s/availability" % (prefix, cam) not in topics:
            return "%s: no camera availability" % t
        if comp == "select" and not c["options"]:
            return "%s: no options" % t
        if comp == "button" and obj != "reboot" and (
                c["command_topic"] != "%s/%s/set/%s" % (prefix, cam, obj) or
                c.get("payload_press") != "confirm"):
            return "%s: button not on set/%s with confirm" % (t, obj)
        if comp in ("select", "switch") and (
                c.get("state_topic") != "%s/%s/state" % (prefix, cam) or
                "value_template" not in c):
            return "%s: no state" % t
        seen.add((comp, obj))
    if not WANT <= seen:
        return "discovery configs missing: %s" % sorted(WANT - seen)
    if seen - WANT - OPTIONAL:
        return "unexpected configs: %s" % sorted(seen - WANT - OPTIONAL)
    if extra is not None and seen - WANT != extra:
        return "optional configs %s, want %s" % (sorted(seen - WANT),
                                                 sorted(extra))
    return None


if __name__ == "__main__":
    extra = None
    if len(sys.argv) > 5:
        extra = set() if sys.argv[5] == "none" else \
            {tuple(x.split("/")) for x in sys.argv[5].split(",")}
    why = check(int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4],
                extra)
    if why:
        print("FAIL:", why)
        sys.exit(1)
    print("ok: discovery configs, retained, valid")
