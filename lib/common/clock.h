/*
 * clock.h - wall-clock and monotonic time in microseconds, the two clocks
 * the sensor uses (event times, timeouts on live links; durations).
 */
#ifndef ST_CLOCK_H
#define ST_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t
clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

/* clock_wall_us(): µs since the epoch (CLOCK_REALTIME). */
static inline uint64_t
clock_wall_us(void)
{
	return clock_us(CLOCK_REALTIME);
}

/* clock_mono_us(): µs on CLOCK_MONOTONIC, for measuring durations. */
static inline uint64_t
clock_mono_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}

#endif
