/*
 * privdrop.h - least privilege for the sensor (owns: user switch,
 * capability drop, the seccomp allow-list).  Called once, after the
 * capture handle and the outputs are open and before the first packet.
 */
#ifndef SHADOWTAP_PRIVDROP_H
#define SHADOWTAP_PRIVDROP_H

struct privdrop {
	const char	*user;		/* NULL: "shadowtap" when root and it exists */
	int		 seccomp;	/* -1 auto (on when privileges dropped), 0 off, 1 on */
	int		 engine;	/* 1: the privsep engine's narrower list */
};

/* Switch user, drop every capability, then install the seccomp filter.
 * Returns 0 or -errno (logged). */
int	privdrop_apply(const struct privdrop *p);
/* Install only the allow-list filter (the test helper uses it). */
int	privdrop_seccomp(void);
/* privdrop_seccomp_engine(): the privsep engine's filter: no file is
 * opened for writing (open/openat with O_WRONLY, O_RDWR, O_CREAT, O_TRUNC
 * or O_APPEND fail with EACCES; read-only opens are allowed: rules reload
 * through a directory descriptor), and no unlink, rename, mkdir,
 * ftruncate, chmod, chown, flock or fsync at all (SIGSYS). */
int	privdrop_seccomp_engine(void);
/* Effective capability set of this process (0 when all dropped). */
unsigned long long privdrop_capeff(void);

#endif
