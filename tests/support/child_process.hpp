#pragma once
// Running the real `inflanet` executable (or mpiexec) as a child process from a test: capture stdout and
// stderr separately, get the exit status (or 128 + signal), kill the process group after a timeout.
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

extern char** environ; // NOLINT: POSIX

namespace inflanet::testing {

namespace fs = std::filesystem;

// The environment as it was before main, i.e. before the test's own Session called MPI_Init: a singleton
// MPI process adds OMPI_*/PMIX_* variables that would make a child inflanet believe it belongs to this
// process's MPI job. Children get this copy, with the per-user cache (FFTW wisdom) moved into the build
// tree (INFLANET_TEST_CACHE_DIR), so tests neither read nor fill the developer's ~/.cache.
inline const std::vector<std::string> environment_before_mpi = [] {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).starts_with("XDG_CACHE_HOME=")) {
      continue;
    }
    env.emplace_back(*e);
  }
#ifdef INFLANET_TEST_CACHE_DIR
  env.emplace_back("XDG_CACHE_HOME=" INFLANET_TEST_CACHE_DIR);
#endif
  return env;
}();

/// `base` with `extra` (NAME=value entries) added, an extra entry replacing the base's of the same name.
inline std::vector<std::string> merged_environment(const std::vector<std::string>& base,
                                                   const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (const auto& e : base) {
    const auto name = e.substr(0, e.find('=') + 1);
    bool replaced = false;
    for (const auto& x : extra) {
      replaced = replaced || x.starts_with(name);
    }
    if (!replaced) {
      env.push_back(e);
    }
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

struct Result {
  int status = -1; // exit status, or 128 + signal
  std::string out;
  std::string err;
};

inline std::ostream& operator<<(std::ostream& os, const Result& r) {
  return os << "status " << r.status << "\n--- stdout ---\n" << r.out << "\n--- stderr ---\n" << r.err;
}

/// Runs argv[0] with argv in `cwd`, capturing stdout and stderr separately; kills its process group
/// after `timeout`.
inline Result spawn(const std::vector<std::string>& args, const fs::path& cwd,
                    std::chrono::seconds timeout = std::chrono::seconds(60),
                    const std::vector<std::string>& extra_environment = {}) {
  std::vector<char*> argv;
  for (const auto& a : args) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  const auto environment = merged_environment(environment_before_mpi, extra_environment);
  std::vector<char*> envp;
  for (const auto& e : environment) {
    envp.push_back(const_cast<char*>(e.c_str()));
  }
  envp.push_back(nullptr);
  const std::string dir = cwd.string();

  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2: " << std::strerror(errno);
    return {};
  }
  const pid_t pid = fork();
  if (pid == 0) {
    // Child: only async-signal-safe calls until execve.
    setpgid(0, 0);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    if (chdir(dir.c_str()) != 0) {
      _exit(126);
    }
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  Result r;
  if (pid < 0) {
    ADD_FAILURE() << "fork: " << std::strerror(errno);
    close(out_pipe[0]);
    close(err_pipe[0]);
    return r;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_fds = 2;
  bool timed_out = false;
  while (open_fds > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      kill(-pid, SIGKILL);
      break;
    }
    if (poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) {
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        char buffer[4096];
        const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
        if (n > 0) {
          sinks[i]->append(buffer, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
          close(fds[i].fd);
          fds[i].fd = -1;
          --open_fds;
        }
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) {
      close(f.fd);
    }
  }
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  EXPECT_FALSE(timed_out) << "killed after " << timeout.count() << " s: " << args[0];
  return r;
}

inline void write_file(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace inflanet::testing
