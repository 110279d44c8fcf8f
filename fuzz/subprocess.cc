// SPDX-License-Identifier: GPL-2.0
/*
 * subprocess.cc - child processes in their own process group (see
 * subprocess.h).
 */
#include "fuzz/subprocess.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

namespace fc::fuzz {

Subprocess::Subprocess(Subprocess &&o) noexcept
	: pid_(o.pid_), exited_(o.exited_), signaled_(o.signaled_), status_(o.status_)
{
	o.pid_ = -1;
}

Subprocess &Subprocess::operator=(Subprocess &&o) noexcept
{
	if (this != &o) {
		if (running())
			stop(0);
		pid_ = o.pid_;
		exited_ = o.exited_;
		signaled_ = o.signaled_;
		status_ = o.status_;
		o.pid_ = -1;
	}
	return *this;
}

Subprocess::~Subprocess()
{
	if (running())
		stop(0);
}

bool Subprocess::start(const std::vector<std::string> &argv,
		       const std::vector<std::string> &env_add, const std::string &log,
		       std::string *err)
{
	/* Everything the child needs is built before fork: after it, only syscalls. */
	std::vector<std::string> env_strings;
	for (char **e = environ; *e; e++) {
		std::string s = *e;
		bool replaced = false;
		for (const std::string &a : env_add)
			replaced |= s.compare(0, a.find('=') + 1, a, 0, a.find('=') + 1) == 0;
		if (!replaced)
			env_strings.push_back(s);
	}
	env_strings.insert(env_strings.end(), env_add.begin(), env_add.end());
	std::vector<char *> envp, args;
	for (std::string &s : env_strings)
		envp.push_back(s.data());
	envp.push_back(nullptr);
	std::vector<std::string> argv_copy = argv;
	for (std::string &s : argv_copy)
		args.push_back(s.data());
	args.push_back(nullptr);

	int log_fd = -1;
	if (!log.empty()) {
		log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (log_fd < 0) {
			*err = log + ": " + std::strerror(errno);
			return false;
		}
	}
	const pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		*err = std::string("fork: ") + std::strerror(errno);
		if (log_fd >= 0)
			close(log_fd);
		return false;
	}
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		if (log_fd >= 0) {
			dup2(log_fd, 1);
			dup2(log_fd, 2);
		}
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		execve(args[0], args.data(), envp.data());
		const char msg[] = "foliocheck: exec failed\n";
		ssize_t w = write(2, msg, sizeof(msg) - 1);
		(void)w;
		_exit(127);
	}
	/* Both sides set the group, so it is set before anyone signals it. */
	setpgid(pid, pid);
	if (log_fd >= 0)
		close(log_fd);
	pid_ = pid;
	exited_ = false;
	signaled_ = false;
	return true;
}

bool Subprocess::poll()
{
	if (pid_ <= 0 || exited_)
		return true;
	int st = 0;
	pid_t r = waitpid(pid_, &st, WNOHANG);
	if (r == 0)
		return false;
	exited_ = true;
	if (r < 0) {
		status_ = 127;
		return true;
	}
	signaled_ = WIFSIGNALED(st);
	status_ = signaled_ ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
	return true;
}

void Subprocess::wait()
{
	while (!poll())
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

void Subprocess::signal(int sig)
{
	if (running())
		kill(-pid_, sig);
}

void Subprocess::stop(double grace_seconds)
{
	if (!running())
		return;
	signal(SIGINT);
	auto deadline = std::chrono::steady_clock::now() +
			std::chrono::duration<double>(grace_seconds);
	while (!poll() && std::chrono::steady_clock::now() < deadline)
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
	if (!poll()) {
		signal(SIGKILL);
		wait();
	}
	/* the group may keep children of the child (libFuzzer's fork-mode jobs) */
	kill(-pid_, SIGKILL);
}

std::string find_program(const std::string &name)
{
	if (name.find('/') != std::string::npos)
		return access(name.c_str(), X_OK) == 0 ? name : "";
	const char *path = std::getenv("PATH");
	std::string p = path ? path : "/usr/bin:/bin";
	size_t at = 0;
	while (at <= p.size()) {
		size_t colon = p.find(':', at);
		if (colon == std::string::npos)
			colon = p.size();
		std::string dir = p.substr(at, colon - at);
		std::string full = (dir.empty() ? "." : dir) + "/" + name;
		if (access(full.c_str(), X_OK) == 0)
			return full;
		at = colon + 1;
	}
	return "";
}

} // namespace fc::fuzz
