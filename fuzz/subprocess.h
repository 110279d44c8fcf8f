// SPDX-License-Identifier: GPL-2.0
/*
 * subprocess.h - the child processes a campaign runs (libFuzzer, build.sh):
 * started in their own process group with output going to a log file, so
 * a Ctrl-C reaches foliocheck alone and foliocheck decides how they end;
 * and they die with foliocheck (PR_SET_PDEATHSIG) rather than outlive it.
 */
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace fc::fuzz {

class Subprocess {
public:
	Subprocess() = default;
	Subprocess(const Subprocess &) = delete;
	Subprocess &operator=(const Subprocess &) = delete;
	Subprocess(Subprocess &&o) noexcept;
	Subprocess &operator=(Subprocess &&o) noexcept;
	/* Kills the process group if it still runs, and reaps it. */
	~Subprocess();

	/*
	 * start - run @argv with @env_add ("NAME=VALUE") added to the
	 * environment, stdout and stderr appended to @log (or inherited if
	 * empty). False and @err if it cannot be started.
	 */
	bool start(const std::vector<std::string> &argv, const std::vector<std::string> &env_add,
		   const std::string &log, std::string *err);

	/* poll - true once it has exited; then status() is valid. Never blocks. */
	bool poll();
	/* wait - block until it exits. */
	void wait();
	/* signal - send @sig to its whole process group. */
	void signal(int sig);
	/* stop - SIGINT, up to @grace_seconds to exit, then SIGKILL; always reaps. */
	void stop(double grace_seconds);

	bool running() const { return pid_ > 0 && !exited_; }
	pid_t pid() const { return pid_; }
	/* Exit code, or 128 + signal number if it was killed. */
	int status() const { return status_; }
	bool killed_by_signal() const { return signaled_; }

private:
	pid_t pid_ = -1;
	bool exited_ = false;
	bool signaled_ = false;
	int status_ = 0;
};

/* find_program - @name's full path on PATH, or "" if it is not there. */
std::string find_program(const std::string &name);

} // namespace fc::fuzz
