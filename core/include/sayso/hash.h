/*
 * hash.h: the one non-cryptographic hash of sayso, 64-bit FNV-1a, for hash
 * tables and caches (project ids in .pb files, identical ballots in a tally,
 * the kiosk's text cache, the SMS rate limiter). Not for secrets: resident
 * ids use the keyed HMAC of identity.h. Inline because tallies call it once
 * per ballot.
 */
#ifndef SAYSO_HASH_H
#define SAYSO_HASH_H

#include <stddef.h>
#include <stdint.h>

#define SAYSO_HASH_INIT 1469598103934665603ULL

/* Continues hash h (start from SAYSO_HASH_INIT) over n bytes at p. */
static inline uint64_t sayso_hash_add(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* The hash of n bytes at p. */
static inline uint64_t sayso_hash(const void *p, size_t n)
{
	return sayso_hash_add(SAYSO_HASH_INIT, p, n);
}

#endif
