/*
 * mkflows.c - synthetic capture with many concurrent TCP flows, for the
 * flow table's memory and eviction at scale (make bench-scale) and its
 * functional test (tests/scripts/suite-scale.sh).
 *
 * usage: mkflows OUT.pcap NFLOWS [PHASES]
 * Flow i is 198.51.100.(i % 250 + 1):(1024 + i / 250) -> 203.0.113.10:8443
 * (TEST-NET only; up to 16,128,000 flows).  Phase 1 sends every flow's
 * SYN, phase 2 every SYN+ACK, phase 3 every ACK (PHASES, default 1), one
 * microsecond apart, so all flows are alive at once and none times out.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PORT_SRV	8443
#define NCLI		250
#define MAXFLOWS	((uint64_t)NCLI * (65536 - 1024))

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32le(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);	/* pcap headers: host order (x86: LE) */
}

static unsigned
csum(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* One Ethernet/IPv4/TCP packet without payload into ${f}. */
static int
packet(FILE *f, uint64_t ts, const uint8_t src[4], const uint8_t dst[4],
    unsigned sport, unsigned dport, uint32_t seq, uint32_t ack, uint8_t flags)
{
	uint8_t b[16 + 14 + 20 + 20], *e = b + 16, *ip = e + 14, *tcp = ip + 20;
	uint8_t ph[12];
	uint32_t sum;

	memset(b, 0, sizeof(b));
	put32le(b, (uint32_t)(ts / 1000000));
	put32le(b + 4, (uint32_t)(ts % 1000000));
	put32le(b + 8, 54);
	put32le(b + 12, 54);
	memcpy(e, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	put16(e + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, 40);
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	put16(ip + 10, csum(ip, 20, 0));
	put16(tcp, sport);
	put16(tcp + 2, dport);
	put16(tcp + 4, seq >> 16);
	put16(tcp + 6, seq & 0xffff);
	put16(tcp + 8, ack >> 16);
	put16(tcp + 10, ack & 0xffff);
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	put16(tcp + 14, 65535);
	memcpy(ph, src, 4);
	memcpy(ph + 4, dst, 4);
	ph[8] = 0;
	ph[9] = 6;
	put16(ph + 10, 20);
	sum = (uint32_t)(~csum(ph, 12, 0) & 0xffff);
	put16(tcp + 16, csum(tcp, 20, sum));
	return fwrite(b, sizeof(b), 1, f) == 1 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	static const uint8_t srv[4] = { 203, 0, 113, 10 };
	uint8_t cli[4] = { 198, 51, 100, 0 };
	uint8_t gh[24];
	uint64_t n, i, ts = 1700000000ULL * 1000000ULL;
	int phase, phases;
	FILE *f;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: mkflows OUT.pcap NFLOWS [PHASES 1-3]\n");
		return 2;
	}
	n = strtoull(argv[2], NULL, 10);
	phases = argc == 4 ? atoi(argv[3]) : 1;
	if (n == 0 || n > MAXFLOWS || phases < 1 || phases > 3) {
		fprintf(stderr, "mkflows: 1..%llu flows, 1..3 phases\n",
		    (unsigned long long)MAXFLOWS);
		return 2;
	}
	if ((f = fopen(argv[1], "wb")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	memset(gh, 0, sizeof(gh));
	put32le(gh, 0xa1b2c3d4);
	gh[4] = 2;		/* version 2.4 */
	gh[6] = 4;
	put32le(gh + 16, 65535);
	put32le(gh + 20, 1);	/* DLT_EN10MB */
	if (fwrite(gh, sizeof(gh), 1, f) != 1)
		goto err;
	for (phase = 1; phase <= phases; phase++)
		for (i = 0; i < n; i++) {
			unsigned sport = 1024 + (unsigned)(i / NCLI);
			uint32_t iss = (uint32_t)(i * 7919u), irs = (uint32_t)(i * 104729u);
			int rc;

			cli[3] = (uint8_t)(i % NCLI + 1);
			ts++;
			if (phase == 1)
				rc = packet(f, ts, cli, srv, sport, PORT_SRV, iss, 0, 0x02);
			else if (phase == 2)
				rc = packet(f, ts, srv, cli, PORT_SRV, sport, irs, iss + 1, 0x12);
			else
				rc = packet(f, ts, cli, srv, sport, PORT_SRV, iss + 1, irs + 1, 0x10);
			if (rc != 0)
				goto err;
		}
	if (fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
err:
	fprintf(stderr, "mkflows: %s: %s\n", argv[1], strerror(errno));
	fclose(f);
	return 1;
}
