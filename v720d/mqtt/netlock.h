/*
 * The MQTT child's outgoing TCP, limited to its brokers' ports with
 * Landlock (Linux 6.7 and later): seccomp cannot look at the address
 * connect(2) is given, Landlock can refuse a port.  See netlock.c.
 */
#ifndef V720_MQTT_NETLOCK_H
#define V720_MQTT_NETLOCK_H

#include <stddef.h>
#include <stdint.h>

/*
 * From now on TCP connect(2) only to these ports (EACCES otherwise),
 * bind(2) to none, and (Linux 6.12) no signal out of the process.  Once
 * only: a later call with a port outside the first set returns -1 (the
 * child exits, the parent restarts it, and the new one locks to the new
 * set).  Without Landlock it warns once and locks nothing; with
 * V720D_SANDBOX=off it locks nothing.  0 otherwise.
 */
int	netlock_ports(const uint16_t *ports, size_t nports);

#endif
