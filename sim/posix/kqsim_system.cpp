// system(3) on the model: the shell is a forked model process, and it and
// the programs it runs have their file calls served by the model through
// libkqsim_preload (sim/posix/preload/): a `touch /tmp/f` changes the
// model's /tmp/f, which is what the program's kqueue watches.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "kqsim/dropin_calls.h"
#include "kqsim/posix.h"
#include "sim/posix/client_connection.hpp"
#include "sim/posix/posix_call.hpp"

namespace {

// KQSIM_PRELOAD, else libkqsim_preload.so beside the libkqsim this code is in.
std::string preload_path() {
  if (const char* p = std::getenv("KQSIM_PRELOAD")) return p;
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&kqsim_system_bsd), &info) == 0 || info.dli_fname == nullptr) return {};
  std::string self = info.dli_fname;
  const auto slash = self.rfind('/');
  std::string path = (slash == std::string::npos ? std::string(".") : self.substr(0, slash)) + "/libkqsim_preload.so";
  return access(path.c_str(), R_OK) == 0 ? path : std::string{};
}

// The forked model process becomes the shell: it keeps its root connection
// across exec (KQSIM_MODEL_FD), tells the model it execs (NOTE_EXEC, its
// close-on-exec descriptors closed), and preloads the interposer.
[[noreturn]] void exec_shell(const std::string& preload, const char* command) {
  const int root = kqsim::posix::root_connection();
  fcntl(root, F_SETFD, 0);
  setenv("KQSIM_MODEL_FD", std::to_string(root).c_str(), 1);
  setenv("KQSIM_MODEL_PID", std::to_string(kqsim::posix::model_pid()).c_str(), 1);
  unsetenv("KQSIM_FDMAP");
  const char* old = std::getenv("LD_PRELOAD");
  setenv("LD_PRELOAD", old != nullptr && *old != '\0' ? (preload + ":" + old).c_str() : preload.c_str(), 1);
  kqsim_exec();
  execl("/bin/sh", "sh", "-c", command, static_cast<char*>(nullptr));
  kqsim_exit(127);  // as system(3)'s child when the shell cannot run
  _exit(127);
}

}  // namespace

extern "C" int kqsim_system_bsd(const char* command) {
  if (command == nullptr) return 1;  // a shell is available
  const std::string preload = preload_path();
  if (preload.empty()) return kqsim::posix::unsupported_call("system: libkqsim_preload.so not found (set KQSIM_PRELOAD)");
  const pid_t child = kqsim_fork();
  if (child < 0) return -1;
  if (child == 0) exec_shell(preload, command);
  int status = 0;
  if (kqsim_waitpid_status(child, &status, 0) < 0) return -1;
  int host_status = 0;
  waitpid(child, &host_status, 0);  // the host's zombie; the model's status is the answer
  return status;
}
