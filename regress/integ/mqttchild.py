#!/usr/bin/env python3
"""v720-mqtt alone, driven through its channels (stdlib only).

  mqttchild.py BROKERPORT OUTDIR -- COMMAND...

Plays the parent (fd 3: config push, the engine channel) and the camera
engine (camera state in, requests out) for the v720-mqtt started by
COMMAND, against a real mosquitto on 127.0.0.1:BROKERPORT, and checks
with mosquitto_sub/mosquitto_pub what Home Assistant would see: every
discovery config, retained, valid JSON with the fields Home Assistant
requires; the state and availability; a command reaching the engine as
a message; the cameras' Info reaching the engine; a clean exit.
Exits 0 when everything held, 1 with a message otherwise.
"""
import json
import os
import socket
import subprocess
import sys
import time

import hadisc
import msglayout
from fakechan import Chan, fail, say

CFG_START, CFG_LISTEN, CFG_CAMERA, CFG_WEBUSER, CFG_TLS_CERT, CFG_TLS_KEY, \
    CFG_END, CFG_DONE, CFG_PEER = range(100, 109)
CAM_STATE = 300
PROC_ACCUSE = 192
CFG_MQTT, MQTT_CAMINFO, MQTT_SET, MQTT_REBOOT, MQTT_STREAM, \
    MQTT_CAMSEND = range(600, 606)
CAM = "0800c00128F8"
PREFIX, DISC = "v720t", "hatest"
L = msglayout.load()	# the structs of common/msg.h

def cfg_global():
    return L.pack("cfg_global", cg_user="_v720test",
                  cg_control_path="/tmp/x.sock", cg_camera_port=6123,
                  cg_unknown_accept=1, cg_verbose=1, cg_idle_timeout=30,
                  cg_cam_per_addr=16)


def cfg_mqtt(port):
    return L.pack("cfg_mqtt", cm_host="127.0.0.1", cm_discovery=DISC,
                  cm_prefix=PREFIX, cm_port=port)


def cam_info(state, battery=55, sd=(60334, 35359), irled=2, name="Porch"):
    return L.pack("cam_info", ci_id=CAM, ci_name=name,
                  ci_address="10.1.2.3:4567", ci_firmware="202212011602",
                  ci_wifi="intl-laptop", ci_state=state, ci_ir_led=irled,
                  ci_status_led=1, ci_battery=battery, ci_fps_milli=9500,
                  ci_last_seen=int(time.time()), ci_frames=7, ci_bytes=1234,
                  ci_sd_total_mb=sd[0], ci_sd_free_mb=sd[1])


def sub(port, topic, count, wait=8, retained=False):
    """Messages on topic: list of (topic, payload bytes)."""
    args = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-t", topic,
            "-v", "-W", str(wait), "-C", str(count), "-F", "%t %x"]
    if retained:
        args.append("--retained-only")
    p = subprocess.run(args, capture_output=True, text=True)
    out = []
    for line in p.stdout.splitlines():
        t, _, hx = line.partition(" ")
        out.append((t, bytes.fromhex(hx)))
    return out


def pub(port, topic, payload, retain=False):
    args = ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-t", topic,
            "-m", payload]
    if retain:
        args.append("-r")
    subprocess.run(args, check=True)


def main():
    port = int(sys.argv[1])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    # A retained command waiting for whoever subscribes: never acted on.
    pub(port, "%s/%s/reboot" % (PREFIX, CAM), "PRESS", retain=True)
    ps, cs = socket.socketpair()
    child = subprocess.Popen(cmd, pass_fds=(3,),
                             preexec_fn=lambda: os.dup2(cs.fileno(), 3))
    cs.close()
    parent = Chan(ps)
    parent.send(CFG_START, cfg_global())
    parent.send(CFG_MQTT, cfg_mqtt(port))
    parent.send(CFG_END)
    parent.expect(CFG_DONE, "config")
    say("ok: config acknowledged")
    es, ec = socket.socketpair()
    parent.send(CFG_PEER, L.pack("cfg_peer", cp_proc=0), fd=ec.fileno())
    ec.close()
    engine = Chan(es)

    # The daemon is online on the status topic (retained).
    end = time.time() + 10
    while True:
        st = sub(port, PREFIX + "/status", 1, wait=2, retained=True)
        if st and st[0][1] == b"online":
            break
        if time.time() > end:
            fail("no retained %s/status online" % PREFIX)
    say("ok: %s/status online (retained)" % PREFIX)

    m = engine.recv(1.5)
    if m is not None:
        fail("a retained command was acted on: message %d" % m[0])
    pub(port, "%s/%s/reboot" % (PREFIX, CAM), "", retain=True)
    say("ok: retained command ignored")
    engine.send(CAM_STATE, cam_info(1))
    time.sleep(1)
    why = hadisc.check(port, DISC, PREFIX, CAM)
    if why:
        fail(why)
    say("ok: %d discovery configs, retained, valid" % len(hadisc.WANT))

    st = sub(port, "%s/%s/state" % (PREFIX, CAM), 1, retained=True)
    if not st:
        fail("no retained state")
    s = json.loads(st[0][1])
    if s["battery"] != 55 or s["sd_total_mb"] != 60334 or \
            s["sd_free_mb"] != 35359 or s["state"] != "online" or \
            s["ir_led"] != "auto":
        fail("state %r" % s)
    av = sub(port, "%s/%s/availability" % (PREFIX, CAM), 1, retained=True)
    if not av or av[0][1] != b"online":
        fail("availability %r" % av)
    say("ok: state and availability")

    # A command reaches the engine as the web API's would.
    pub(port, "%s/%s/set/ir_led" % (PREFIX, CAM), "off")
    d = L.unpack("ctl_set", engine.expect(MQTT_SET, "command", skip=()))
    if d["id"] != CAM or d["key"] != "ir_led" or d["value"] != "off":
        fail("MQTT_SET %r" % d)
    # An action's button: "confirm" (the engine checks the camera has it).
    pub(port, "%s/%s/set/sd_format" % (PREFIX, CAM), "confirm")
    d = L.unpack("ctl_set", engine.expect(MQTT_SET, "action", skip=()))
    if d["key"] != "sd_format" or d["value"] != "confirm":
        fail("MQTT_SET %r" % d)
    pub(port, "%s/%s/reboot" % (PREFIX, CAM), "PRESS")
    engine.expect(MQTT_REBOOT, "reboot")
    pub(port, "%s/%s/stream" % (PREFIX, CAM), "start")
    d = L.unpack("ctl_req", engine.expect(MQTT_STREAM, "stream"))
    if d["value"] != 1:
        fail("stream value")
    # Hostile: wrong values, huge, retained commands change nothing.
    pub(port, "%s/%s/set/ir_led" % (PREFIX, CAM), "purple")
    pub(port, "%s/%s/set/ir_led" % (PREFIX, CAM), "x" * 100000)
    pub(port, "%s/%s/set/bogus" % (PREFIX, CAM), "on")
    pub(port, "%s/../set/ir_led" % PREFIX, "on")
    m = engine.recv(2)
    if m is not None:
        fail("hostile command got through: %r" % (m,))
    say("ok: commands to the engine, hostile ones dropped")

    # The cameras' channel: Status and Info into MQTT_CAMINFO.
    info = ('{"apStatus": 0,"devPower": 80,"sdCapacity": 60,"IrLed": 0,'
            '"SD_freeDisk": 30000,"SD_blockDisk": 60334,"cameraState": 0,'
            '"sd_State": 1,"instLed": 1,"devicesCode":"%s",'
            '"wifiName":"intl-laptop","version":"202212011602"}' % CAM)
    pub(port, "Naxclow/P2P/Users/Device/Info", info)
    d = L.unpack("mqtt_caminfo", engine.expect(MQTT_CAMINFO, "caminfo"))
    if d["mi_id"] != CAM or d["mi_battery"] != 80 or \
            d["mi_sd_total_mb"] != 60334 or d["mi_sd_free_mb"] != 30000:
        fail("caminfo %r" % (d,))
    for bad in ['{"devPower":"80","devicesCode":"%s"}' % CAM,
                '{"devPower": 80, "devicesCode":"%s"' % CAM,
                '{"devPower": 800,"devicesCode":"%s"}' % CAM,
                '{"devPower": 8,"devicesCode":"../x"}',
                '{"devPower": 8,"devicesCode":"%s","pad":"%s"}' % (CAM, "y" * 9000)]:
        pub(port, "Naxclow/P2P/Users/Device/Info", bad)
    m = engine.recv(2)
    if m is not None:
        fail("hostile Info got through: %r" % (m[0],))
    say("ok: Info to the engine, hostile ones dropped")

    # The 56... family's Info may come without its uid: it is the camera
    # whose Status came just before, if only one did.
    pub(port, "Naxclow/P2P/Users/Device/Status",
        '{"device":"%s","token":"NAXCLOW","status": 1}' % CAM)
    d = L.unpack("mqtt_caminfo", engine.expect(MQTT_CAMINFO, "status"))
    if d["mi_online"] != 1:
        fail("status online not passed on")
    pub(port, "Naxclow/P2P/Users/Device/Info", '{"devPower": 42}')
    d = L.unpack("mqtt_caminfo", engine.expect(MQTT_CAMINFO, "info without uid"))
    if d["mi_id"] != CAM or d["mi_battery"] != 42:
        fail("Info without uid not given to %s" % CAM)
    pub(port, "Naxclow/P2P/Users/Device/Status",
        '{"device":"OTHER0000001","token":"NAXCLOW","status": 1}')
    engine.expect(MQTT_CAMINFO, "status 2")
    pub(port, "Naxclow/P2P/Users/Device/Info", '{"devPower": 43}')
    m = engine.recv(2)
    if m is not None:
        fail("ambiguous Info without uid given to someone")
    say("ok: Info without uid paired with its Status, not when ambiguous")

    # Settings for a camera without TCP go to its sub/<uid>.
    p = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port),
                          "-t", "Naxclow/P2P/Users/Device/sub/" + CAM, "-C",
                          "1", "-W", "8"], stdout=subprocess.PIPE, text=True)
    time.sleep(1)
    engine.send(MQTT_CAMSEND, L.pack("mqtt_camsend", ms_id=CAM,
                                     ms_json='{"code":202,"IrLed":1}'))
    out = p.communicate()[0].strip()
    if out != '{"code":202,"IrLed":1}':
        fail("sub/<uid> got %r" % out)
    say("ok: setting on sub/<uid>")

    # The engine forgets a camera (IMSG_CAM_GONE): the child drops it and
    # takes it again, battery and all, when it comes back.
    engine.send(390, L.pack("ctl_id", id=CAM))
    time.sleep(0.5)
    if child.poll() is not None:
        fail("child died on CAM_GONE")
    # Its device leaves Home Assistant: no retained config, no state.
    left = hadisc.retained(port, "%s/+/v720d_%s/+/config" % (DISC, CAM), 1,
                           wait=2)
    if left or sub(port, "%s/%s/state" % (PREFIX, CAM), 1, wait=2,
                   retained=True):
        fail("forgotten camera still in Home Assistant: %r" % left[:1])
    engine.send(CAM_STATE, cam_info(1, battery=44))
    end = time.time() + 8
    while True:
        st = sub(port, "%s/%s/state" % (PREFIX, CAM), 1, retained=True)
        if st and json.loads(st[0][1])["battery"] == 44:
            break
        if time.time() > end:
            fail("no state after the camera came back: %r" % st)
    why = hadisc.check(port, DISC, PREFIX, CAM)
    if why:
        fail("after coming back: " + why)
    say("ok: camera forgotten (device removed from Home Assistant) and back")

    # A compromised engine: a camera state whose Wi-Fi scan names are not
    # terminated.  The child must not read past them into the state it
    # publishes: it accuses the engine (the parent restarts it) and
    # closes that channel.
    bad = bytearray(cam_info(1, battery=43))
    for k, v in (("ci_wifi_scanned", 1), ("ci_nwifi_scan", 16)):
        bad[L.field("cam_info", k)["off"]] = v
    f = L.field("cam_info", "ci_wifi_scan")
    bad[f["off"]:f["off"] + f["size"]] = b"S" * f["size"]
    engine.send(CAM_STATE, bytes(bad))
    d = L.unpack("proc_accuse", parent.expect(PROC_ACCUSE,
                                              "accusation of the engine"))
    if d["pa_proc"] != 0 or d["pa_type"] != CAM_STATE:
        fail("accusation %r" % d)
    say("ok: unterminated Wi-Fi names: engine accused (%s)" % d["pa_why"])

    # Parent gone: the child says offline and exits.
    ps.close()
    try:
        rc = child.wait(10)
    except subprocess.TimeoutExpired:
        child.kill()
        fail("child did not exit")
    if rc != 0:
        fail("child exit status %d" % rc)
    st = sub(port, PREFIX + "/status", 1, wait=3, retained=True)
    if not st or st[0][1] != b"offline":
        fail("status after exit %r" % st)
    say("ok: clean exit, status offline")


main()
