#!/bin/sh
# v720-mqtt alone (regress/integ/mqttchild.py plays the parent and the
# engine) against a real mosquitto with the shipped config: discovery,
# state, availability, commands to the engine, the cameras' Info to the
# engine, hostile payloads dropped, sub/<uid> settings, clean exit ->
# offline.  Also: the child runs under its seccomp filter, unprivileged.
. "$TOP/regress/integ/lib.sh"
. "$TOP/regress/integ/lib-mqtt.sh"
need_root
ensure_test_user

start_broker 36701 36702
python3 "$TOP/regress/integ/mqttchild.py" "$MQ_LOCAL" "$OUT" -- \
    "$V720MQTT" -d -v -u "$TEST_USER" -C /var/empty >"$OUT/driver.log" 2>&1 ||
    { cat "$OUT/driver.log"; fail "mqttchild.py"; }
cat "$OUT/driver.log"
grep -q "seccomp filter installed" "$OUT/driver.log" ||
    [ -n "${V720D_SANDBOX:-}" ] || fail "no seccomp filter"
grep -q "ok: clean exit, status offline" "$OUT/driver.log" || fail "incomplete"
say "v720-mqtt alone: all checks passed"
