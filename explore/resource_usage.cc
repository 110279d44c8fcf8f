// SPDX-License-Identifier: GPL-2.0
/*
 * resource_usage.cc - read /proc/self/statm and /proc/self/status; getrusage().
 */
#include "explore/resource_usage.h"

#include <cstdio>
#include <cstring>
#include <sys/resource.h>
#include <unistd.h>

namespace fc::explore {

uint64_t current_rss_bytes()
{
	FILE *f = std::fopen("/proc/self/statm", "r");
	if (!f)
		return 0;
	unsigned long long size = 0, resident = 0;
	int n = std::fscanf(f, "%llu %llu", &size, &resident);
	std::fclose(f);
	if (n != 2)
		return 0;
	return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

uint64_t peak_rss_bytes()
{
	FILE *f = std::fopen("/proc/self/status", "r");
	if (!f)
		return 0;
	char line[256];
	unsigned long long kb = 0;
	while (std::fgets(line, sizeof(line), f)) {
		if (std::strncmp(line, "VmHWM:", 6) == 0) {
			std::sscanf(line + 6, "%llu", &kb);
			break;
		}
	}
	std::fclose(f);
	return kb * 1024;
}

double process_cpu_seconds()
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

} // namespace fc::explore
