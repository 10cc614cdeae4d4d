/* The four operations of bench/model_vs_libkqueue_bench.cpp on libkqueue,
 * in their own translation unit: libkqueue's <sys/event.h> defines EV_ADD
 * and friends as macros, which must not meet the model's headers. */
#pragma once
#ifdef __cplusplus
extern "C" {
#endif

/* A kqueue with one EVFILT_USER knote (ident 1, EV_CLEAR) and a pipe; 0 on success. */
int lkq_open(void);
void lkq_close(void);
/* kevent(kq, NULL, 0, ev, 4, {0, 0}): returns what kevent returned. */
int lkq_empty_poll(void);
/* NOTE_TRIGGER on ident 1, then a scan that returns it: the scan's count. */
int lkq_user_trigger_retrieve(void);
/* EV_ADD then EV_DELETE of EVFILT_READ on the pipe's read end: 0 when both succeed. */
int lkq_pipe_read_add_delete(void);
/* EV_ADD then EV_DELETE of EVFILT_USER ident 2: 0 when both succeed. */
int lkq_user_add_delete(void);

#ifdef __cplusplus
}
#endif
