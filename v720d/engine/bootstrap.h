/*
 * The bootstrap HTTP server cameras ask for their server (bootstrap.c),
 * and what it learnt of each camera that registration checks.
 */
#ifndef V720_ENGINE_BOOTSTRAP_H
#define V720_ENGINE_BOOTSTRAP_H

void		 boot_listener_accept(int, short, void *);
const char	*boot_pwd(const char *uid);
const char	*boot_firmware(const char *uid);
void		 boot_free_all(void);

#endif
