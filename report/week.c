/*
 * week.c - ISO weeks in local time (the process TZ, Europe/Amsterdam by
 * default): parsing "YYYY-Www", naming, the last complete week.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report.h"

static uint64_t
local_midnight(int y, int m, int d)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m;
	tm.tm_mday = d;
	tm.tm_hour = 0;
	tm.tm_isdst = -1;
	return (uint64_t)mktime(&tm) * 1000000ULL;
}

static int
weeks_in_year(int y)
{
	struct tm tm;
	time_t t;
	char b[8];

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = 11;
	tm.tm_mday = 28;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	localtime_r(&t, &tm);
	strftime(b, sizeof(b), "%V", &tm);
	return b[0] == '5' && b[1] == '3' ? 53 : 52;
}

int
week_parse(const char *s, uint64_t *from)
{
	struct tm tm;
	time_t t;
	int y, w, i, dow;

	if (s == NULL || strlen(s) != 8 || s[4] != '-' || s[5] != 'W')
		return -EINVAL;
	for (i = 0; i < 8; i++)
		if (i != 4 && i != 5 && !isdigit((unsigned char)s[i]))
			return -EINVAL;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	w = (s[6] - '0') * 10 + (s[7] - '0');
	if (y < 1971 || y > 9999 || w < 1 || w > weeks_in_year(y))
		return -EINVAL;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mday = 4;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	localtime_r(&t, &tm);
	dow = (tm.tm_wday + 6) % 7;		/* Monday 0 */
	*from = local_midnight(y, 0, 4 - dow + (w - 1) * 7);
	return 0;
}

void
week_name(uint64_t from, char *buf, size_t len)
{
	time_t t = (time_t)(from / 1000000) + 43200;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%G-W%V", &tm);
}

uint64_t
week_add(uint64_t from, int weeks)
{
	time_t t = (time_t)(from / 1000000) + 43200;
	struct tm tm;

	localtime_r(&t, &tm);
	return local_midnight(tm.tm_year + 1900, tm.tm_mon,
	    tm.tm_mday + 7 * weeks);
}

uint64_t
week_last_complete(uint64_t now_us)
{
	time_t t = (time_t)(now_us / 1000000);
	struct tm tm;

	localtime_r(&t, &tm);
	return local_midnight(tm.tm_year + 1900, tm.tm_mon,
	    tm.tm_mday - (tm.tm_wday + 6) % 7 - 7);
}

void
rp_date(uint64_t us, char *buf, size_t len)
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d", &tm);
}
