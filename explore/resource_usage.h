// SPDX-License-Identifier: GPL-2.0
/*
 * resource_usage.h - how much memory and CPU time this process uses, for the
 * explorer's progress lines, its --max-mem bound and its rates per CPU second
 * (wall-clock rates mean little on a shared machine).
 */
#pragma once

#include <cstdint>

namespace fc::explore {

/* Resident set size now, in bytes (0 if /proc cannot tell). */
uint64_t current_rss_bytes();
/* Peak resident set size (VmHWM), in bytes (0 if unknown). */
uint64_t peak_rss_bytes();
/* CPU time of all threads of the process so far (user + system), in seconds. */
double process_cpu_seconds();

} // namespace fc::explore
