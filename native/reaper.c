/*
 * The syscalls the manager needs and Node does not expose: the zombie reaper's three, and
 * pipe2() for children's output (Node gives children socketpairs, which /dev/stdout and
 * /proc/self/fd/1 cannot be opened on: php-fpm's and nginx's usual log settings need a pipe).
 *
 * Reaping must never take a child that libuv is waiting for (libuv reaps its own children with
 * waitpid(<pid>) and would then never report their exit), so there is no "wait for any child"
 * here: peekZombie() only looks at a zombie without reaping it, and reap() takes one named pid.
 * The caller decides which pids are safe to reap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif

/* Throws an Error with code "ERR_REAPER_<errno>" and the C library's text for errno. */
static napi_value throw_errno(napi_env env, const char *call, int err) {
  char code[32];
  char msg[160];
  snprintf(code, sizeof code, "ERR_REAPER_%d", err);
  snprintf(msg, sizeof msg, "%s failed: %s (errno %d)", call, strerror(err), err);
  napi_throw_error(env, code, msg);
  return NULL;
}

static napi_value make_int(napi_env env, int value) {
  napi_value result;
  if (napi_create_int32(env, value, &result) != napi_ok) {
    napi_throw_error(env, NULL, "napi_create_int32 failed");
    return NULL;
  }
  return result;
}

/* peekZombie(): pid of one zombie child, left in place (WNOWAIT), or 0 if there is none. */
static napi_value peek_zombie(napi_env env, napi_callback_info cbinfo) {
  (void)cbinfo;
  siginfo_t info;
  int rc;
  /* Linux clears si_pid when WNOHANG finds nothing; POSIX leaves it unspecified. */
  memset(&info, 0, sizeof info);
  do {
    rc = waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT);
  } while (rc == -1 && errno == EINTR);
  if (rc == -1) {
    if (errno == ECHILD) return make_int(env, 0);
    return throw_errno(env, "waitid", errno);
  }
  return make_int(env, (int)info.si_pid);
}

/* reap(pid): waitpid(pid, WNOHANG); the reaped pid, 0 if it has not exited, or -errno. */
static napi_value reap(napi_env env, napi_callback_info cbinfo) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, cbinfo, &argc, argv, NULL, NULL) != napi_ok) {
    napi_throw_error(env, NULL, "napi_get_cb_info failed");
    return NULL;
  }
  int32_t pid;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &pid) != napi_ok) {
    napi_throw_type_error(env, NULL, "reap(pid): pid must be a number");
    return NULL;
  }
  /* pid <= 0 would mean "any child" or "any in a group": exactly what must never happen here. */
  if (pid <= 0) {
    napi_throw_range_error(env, NULL, "reap(pid): pid must be a positive integer");
    return NULL;
  }
  int status;
  pid_t rc;
  do {
    rc = waitpid((pid_t)pid, &status, WNOHANG);
  } while (rc == -1 && errno == EINTR);
  if (rc == -1) return make_int(env, -errno);
  return make_int(env, (int)rc);
}

/* setChildSubreaper(): true once orphaned descendants are re-parented to this process. */
static napi_value set_child_subreaper(napi_env env, napi_callback_info cbinfo) {
  (void)cbinfo;
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == -1) {
    return throw_errno(env, "prctl(PR_SET_CHILD_SUBREAPER)", errno);
  }
  napi_value result;
  if (napi_get_boolean(env, true, &result) != napi_ok) {
    napi_throw_error(env, NULL, "napi_get_boolean failed");
    return NULL;
  }
  return result;
}

/* pipe(): [readFd, writeFd], both close-on-exec (a child gets its end through dup2, which
 * clears the flag, and no other child inherits either end). Throws on failure. */
static napi_value make_pipe(napi_env env, napi_callback_info cbinfo) {
  (void)cbinfo;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) == -1) return throw_errno(env, "pipe2", errno);
  napi_value result;
  if (napi_create_array_with_length(env, 2, &result) != napi_ok ||
      napi_set_element(env, result, 0, make_int(env, fds[0])) != napi_ok ||
      napi_set_element(env, result, 1, make_int(env, fds[1])) != napi_ok) {
    close(fds[0]);
    close(fds[1]);
    napi_throw_error(env, NULL, "pipe: could not build the result");
    return NULL;
  }
  return result;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  static const struct {
    const char *name;
    napi_callback fn;
  } functions[] = {
      {"peekZombie", peek_zombie},
      {"reap", reap},
      {"setChildSubreaper", set_child_subreaper},
      {"pipe", make_pipe},
  };
  for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
    napi_value fn;
    if (napi_create_function(env, functions[i].name, NAPI_AUTO_LENGTH, functions[i].fn, NULL,
                             &fn) != napi_ok ||
        napi_set_named_property(env, exports, functions[i].name, fn) != napi_ok) {
      napi_throw_error(env, NULL, "phpeek_reaper: could not export its functions");
      return NULL;
    }
  }
  return exports;
}
