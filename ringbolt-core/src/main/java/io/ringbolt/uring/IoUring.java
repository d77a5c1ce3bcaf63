package io.ringbolt.uring;

/**
 * io_uring and socket constants, spelled as in the kernel uapi headers
 * ({@code include/uapi/linux/io_uring.h}, {@code <sys/socket.h>}, {@code <netinet/in.h>}).
 *
 * <p>Constant table (exempt from the class-size guidance). Values are the x86_64/aarch64 ones.
 * The "since" notes are the first kernel with the feature; always check at runtime through
 * {@link IoUringProbe}.
 */
public final class IoUring {

    private IoUring() {
    }

    // ---- enum io_uring_op (sqe.opcode) ----------------------------------------------------

    /** No operation (5.1). */
    public static final int IORING_OP_NOP = 0;
    /** Vectored read (5.1). */
    public static final int IORING_OP_READV = 1;
    /** Vectored write (5.1). */
    public static final int IORING_OP_WRITEV = 2;
    /** fsync (5.1). */
    public static final int IORING_OP_FSYNC = 3;
    /** Read into a registered buffer (5.1). */
    public static final int IORING_OP_READ_FIXED = 4;
    /** Write from a registered buffer (5.1). */
    public static final int IORING_OP_WRITE_FIXED = 5;
    /** Poll for readiness (5.1). */
    public static final int IORING_OP_POLL_ADD = 6;
    /** Remove a poll request (5.1). */
    public static final int IORING_OP_POLL_REMOVE = 7;
    /** sync_file_range (5.2). */
    public static final int IORING_OP_SYNC_FILE_RANGE = 8;
    /** sendmsg (5.3). */
    public static final int IORING_OP_SENDMSG = 9;
    /** recvmsg (5.3). */
    public static final int IORING_OP_RECVMSG = 10;
    /** Timeout (5.4). */
    public static final int IORING_OP_TIMEOUT = 11;
    /** Remove or update a timeout (5.5). */
    public static final int IORING_OP_TIMEOUT_REMOVE = 12;
    /** accept4 (5.5; multishot 5.19). */
    public static final int IORING_OP_ACCEPT = 13;
    /** Cancel requests (5.5). */
    public static final int IORING_OP_ASYNC_CANCEL = 14;
    /** Timeout for the previous linked SQE (5.5). */
    public static final int IORING_OP_LINK_TIMEOUT = 15;
    /** connect (5.5). */
    public static final int IORING_OP_CONNECT = 16;
    /** fallocate (5.6). */
    public static final int IORING_OP_FALLOCATE = 17;
    /** openat (5.6). */
    public static final int IORING_OP_OPENAT = 18;
    /** close (5.6). */
    public static final int IORING_OP_CLOSE = 19;
    /** Update registered files (5.6). */
    public static final int IORING_OP_FILES_UPDATE = 20;
    /** statx (5.6). */
    public static final int IORING_OP_STATX = 21;
    /** read (5.6). */
    public static final int IORING_OP_READ = 22;
    /** write (5.6). */
    public static final int IORING_OP_WRITE = 23;
    /** posix_fadvise (5.6). */
    public static final int IORING_OP_FADVISE = 24;
    /** madvise (5.6). */
    public static final int IORING_OP_MADVISE = 25;
    /** send (5.6). */
    public static final int IORING_OP_SEND = 26;
    /** recv (5.6; multishot 6.0). */
    public static final int IORING_OP_RECV = 27;
    /** openat2 (5.6). */
    public static final int IORING_OP_OPENAT2 = 28;
    /** epoll_ctl (5.6). */
    public static final int IORING_OP_EPOLL_CTL = 29;
    /** splice (5.7). */
    public static final int IORING_OP_SPLICE = 30;
    /** Legacy provided buffers (5.7). */
    public static final int IORING_OP_PROVIDE_BUFFERS = 31;
    /** Remove legacy provided buffers (5.7). */
    public static final int IORING_OP_REMOVE_BUFFERS = 32;
    /** tee (5.8). */
    public static final int IORING_OP_TEE = 33;
    /** shutdown (5.11). */
    public static final int IORING_OP_SHUTDOWN = 34;
    /** renameat (5.11). */
    public static final int IORING_OP_RENAMEAT = 35;
    /** unlinkat (5.11). */
    public static final int IORING_OP_UNLINKAT = 36;
    /** mkdirat (5.15). */
    public static final int IORING_OP_MKDIRAT = 37;
    /** symlinkat (5.15). */
    public static final int IORING_OP_SYMLINKAT = 38;
    /** linkat (5.15). */
    public static final int IORING_OP_LINKAT = 39;
    /** Post a CQE (or pass a direct fd) to another ring (5.18). */
    public static final int IORING_OP_MSG_RING = 40;
    /** fsetxattr (5.19). */
    public static final int IORING_OP_FSETXATTR = 41;
    /** setxattr (5.19). */
    public static final int IORING_OP_SETXATTR = 42;
    /** fgetxattr (5.19). */
    public static final int IORING_OP_FGETXATTR = 43;
    /** getxattr (5.19). */
    public static final int IORING_OP_GETXATTR = 44;
    /** socket (5.19). */
    public static final int IORING_OP_SOCKET = 45;
    /** Passthrough command (5.19). */
    public static final int IORING_OP_URING_CMD = 46;
    /** Zero-copy send (6.0). */
    public static final int IORING_OP_SEND_ZC = 47;
    /** Zero-copy sendmsg (6.1). */
    public static final int IORING_OP_SENDMSG_ZC = 48;
    /** Multishot read with provided buffers (6.7). */
    public static final int IORING_OP_READ_MULTISHOT = 49;
    /** waitid (6.5). */
    public static final int IORING_OP_WAITID = 50;
    /** futex wait (6.7). */
    public static final int IORING_OP_FUTEX_WAIT = 51;
    /** futex wake (6.7). */
    public static final int IORING_OP_FUTEX_WAKE = 52;
    /** futex waitv (6.7). */
    public static final int IORING_OP_FUTEX_WAITV = 53;
    /** Install a direct descriptor as a normal fd (6.8). */
    public static final int IORING_OP_FIXED_FD_INSTALL = 54;
    /** ftruncate (6.9). */
    public static final int IORING_OP_FTRUNCATE = 55;
    /** bind (6.11). */
    public static final int IORING_OP_BIND = 56;
    /** listen (6.11). */
    public static final int IORING_OP_LISTEN = 57;
    /** Zero-copy receive (6.15). */
    public static final int IORING_OP_RECV_ZC = 58;
    /** epoll_wait (6.15). */
    public static final int IORING_OP_EPOLL_WAIT = 59;
    /** Vectored read into registered buffers (6.15). */
    public static final int IORING_OP_READV_FIXED = 60;
    /** Vectored write from registered buffers (6.15). */
    public static final int IORING_OP_WRITEV_FIXED = 61;
    /** pipe (6.16). */
    public static final int IORING_OP_PIPE = 62;

    // ---- io_uring_params.flags -------------------------------------------------------------

    /** Busy-poll completions (storage only). */
    public static final int IORING_SETUP_IOPOLL = 1;
    /** Kernel thread polls the SQ. Not supported by {@link Ring}. */
    public static final int IORING_SETUP_SQPOLL = 1 << 1;
    /** Pin the SQPOLL thread to sq_thread_cpu. */
    public static final int IORING_SETUP_SQ_AFF = 1 << 2;
    /** Use params.cq_entries (set by {@link Ring#create} when cqEntries &gt; 0). */
    public static final int IORING_SETUP_CQSIZE = 1 << 3;
    /** Clamp too-large entry counts instead of failing (always set by {@link Ring#create}). */
    public static final int IORING_SETUP_CLAMP = 1 << 4;
    /** Share the io-wq of params.wq_fd. */
    public static final int IORING_SETUP_ATTACH_WQ = 1 << 5;
    /** Start disabled; {@code IORING_REGISTER_ENABLE_RINGS} makes the caller the issuer (5.10). */
    public static final int IORING_SETUP_R_DISABLED = 1 << 6;
    /** Keep submitting after a failing SQE (5.18). */
    public static final int IORING_SETUP_SUBMIT_ALL = 1 << 7;
    /** No IPI for task work (5.19). */
    public static final int IORING_SETUP_COOP_TASKRUN = 1 << 8;
    /** Set {@link #IORING_SQ_TASKRUN} when task work is pending (5.19). */
    public static final int IORING_SETUP_TASKRUN_FLAG = 1 << 9;
    /** 128-byte SQEs (5.19). */
    public static final int IORING_SETUP_SQE128 = 1 << 10;
    /** 32-byte CQEs (5.19). */
    public static final int IORING_SETUP_CQE32 = 1 << 11;
    /** Only one task submits (6.0). */
    public static final int IORING_SETUP_SINGLE_ISSUER = 1 << 12;
    /** Run task work only at GETEVENTS enters; needs SINGLE_ISSUER (6.1). */
    public static final int IORING_SETUP_DEFER_TASKRUN = 1 << 13;
    /** Application-provided ring memory (6.5). Not supported by {@link Ring}. */
    public static final int IORING_SETUP_NO_MMAP = 1 << 14;
    /** Ring fd only usable registered (6.5). Not supported by {@link Ring}. */
    public static final int IORING_SETUP_REGISTERED_FD_ONLY = 1 << 15;
    /** No SQ index array (6.6). */
    public static final int IORING_SETUP_NO_SQARRAY = 1 << 16;
    /** Hybrid IO polling (6.13). */
    public static final int IORING_SETUP_HYBRID_IOPOLL = 1 << 17;
    /** Mixed 16/32-byte CQEs (6.18). Not supported by {@link Ring}. */
    public static final int IORING_SETUP_CQE_MIXED = 1 << 18;
    /** Mixed 64/128-byte SQEs (6.19). Not supported by {@link Ring}. */
    public static final int IORING_SETUP_SQE_MIXED = 1 << 19;

    // ---- io_uring_enter flags ---------------------------------------------------------------

    /** Wait for min_complete completions (and run deferred task work). */
    public static final int IORING_ENTER_GETEVENTS = 1;
    /** Wake the SQPOLL thread. */
    public static final int IORING_ENTER_SQ_WAKEUP = 1 << 1;
    /** SQPOLL: wait for SQ space. */
    public static final int IORING_ENTER_SQ_WAIT = 1 << 2;
    /** argp is a struct io_uring_getevents_arg, argsz 24 (5.11). */
    public static final int IORING_ENTER_EXT_ARG = 1 << 3;
    /** fd is a registered ring index (5.18). */
    public static final int IORING_ENTER_REGISTERED_RING = 1 << 4;
    /** The EXT_ARG timeout is absolute (6.12). */
    public static final int IORING_ENTER_ABS_TIMER = 1 << 5;
    /** argp is an offset into a registered wait region (6.13). */
    public static final int IORING_ENTER_EXT_ARG_REG = 1 << 6;
    /** Do not account the wait as iowait (6.15). */
    public static final int IORING_ENTER_NO_IOWAIT = 1 << 7;

    // ---- sqe.flags ----------------------------------------------------------------------------

    /** sqe.fd is a registered-file index. */
    public static final int IOSQE_FIXED_FILE = 1;
    /** Start only after all previous SQEs completed. */
    public static final int IOSQE_IO_DRAIN = 1 << 1;
    /** Link with the next SQE (chain breaks on error). */
    public static final int IOSQE_IO_LINK = 1 << 2;
    /** Link with the next SQE (chain survives errors). */
    public static final int IOSQE_IO_HARDLINK = 1 << 3;
    /** Always go async. */
    public static final int IOSQE_ASYNC = 1 << 4;
    /** Pick a buffer from sqe.buf_group. */
    public static final int IOSQE_BUFFER_SELECT = 1 << 5;
    /** Post no CQE on success. */
    public static final int IOSQE_CQE_SKIP_SUCCESS = 1 << 6;

    // ---- cqe.flags ----------------------------------------------------------------------------

    /** The upper 16 bits of cqe.flags hold a buffer id. */
    public static final int IORING_CQE_F_BUFFER = 1;
    /** More CQEs will follow for this request (multishot, SEND_ZC). */
    public static final int IORING_CQE_F_MORE = 1 << 1;
    /** The socket had more data queued after this receive (5.19). */
    public static final int IORING_CQE_F_SOCK_NONEMPTY = 1 << 2;
    /** A SEND_ZC notification: the buffer is released (6.0). */
    public static final int IORING_CQE_F_NOTIF = 1 << 3;
    /** Incremental buffer: the kernel keeps using this buffer (6.12). */
    public static final int IORING_CQE_F_BUF_MORE = 1 << 4;
    /** CQE_MIXED filler entry to be skipped (6.18). */
    public static final int IORING_CQE_F_SKIP = 1 << 5;
    /** CQE_MIXED: this CQE is 32 bytes (6.18). */
    public static final int IORING_CQE_F_32 = 1 << 15;
    /** Shift of the buffer id in cqe.flags: {@code bid = flags >>> IORING_CQE_BUFFER_SHIFT}. */
    public static final int IORING_CQE_BUFFER_SHIFT = 16;

    // ---- sqe.ioprio for network ops --------------------------------------------------------

    /** send/recv: arm poll before the first attempt (5.19). */
    public static final int IORING_RECVSEND_POLL_FIRST = 1;
    /** recv/recvmsg multishot; needs IOSQE_BUFFER_SELECT (6.0). */
    public static final int IORING_RECV_MULTISHOT = 1 << 1;
    /** send_zc with a registered buffer (6.0). */
    public static final int IORING_RECVSEND_FIXED_BUF = 1 << 2;
    /** send_zc: notif res carries {@link #IORING_NOTIF_USAGE_ZC_COPIED} when data was copied (6.1). */
    public static final int IORING_SEND_ZC_REPORT_USAGE = 1 << 3;
    /** send/recv bundles over provided buffers (6.10, FEAT_RECVSEND_BUNDLE). */
    public static final int IORING_RECVSEND_BUNDLE = 1 << 4;
    /** send(_zc) of an iovec array (6.17). */
    public static final int IORING_SEND_VECTORIZED = 1 << 5;
    /** Multishot accept (5.19). */
    public static final int IORING_ACCEPT_MULTISHOT = 1;
    /** accept: do not arm poll when no connection is pending (6.10). */
    public static final int IORING_ACCEPT_DONTWAIT = 1 << 1;
    /** accept: arm poll first (6.10). */
    public static final int IORING_ACCEPT_POLL_FIRST = 1 << 2;
    /** Bit set in a SEND_ZC notification's res when the kernel copied instead of zero-copy. */
    public static final int IORING_NOTIF_USAGE_ZC_COPIED = 1 << 31;

    // ---- op-specific flags (sqe op-flags union / len) ----------------------------------------

    /** nop_flags: return sqe.len as cqe.res. */
    public static final int IORING_NOP_INJECT_RESULT = 1;
    /** cancel_flags: cancel all matches, return their count (5.19). */
    public static final int IORING_ASYNC_CANCEL_ALL = 1;
    /** cancel_flags: match on sqe.fd instead of user_data (5.19). */
    public static final int IORING_ASYNC_CANCEL_FD = 1 << 1;
    /** cancel_flags: match any request (5.19). */
    public static final int IORING_ASYNC_CANCEL_ANY = 1 << 2;
    /** cancel_flags: sqe.fd is a fixed file (6.0). */
    public static final int IORING_ASYNC_CANCEL_FD_FIXED = 1 << 3;
    /** cancel_flags: match on user_data, combinable with FD/OP (6.6). */
    public static final int IORING_ASYNC_CANCEL_USERDATA = 1 << 4;
    /** cancel_flags: match on opcode (6.6). */
    public static final int IORING_ASYNC_CANCEL_OP = 1 << 5;
    /** timeout_flags: absolute timespec. */
    public static final int IORING_TIMEOUT_ABS = 1;
    /** timeout_flags: update an existing timeout (TIMEOUT_REMOVE). */
    public static final int IORING_TIMEOUT_UPDATE = 1 << 1;
    /** timeout_flags: CLOCK_BOOTTIME. */
    public static final int IORING_TIMEOUT_BOOTTIME = 1 << 2;
    /** timeout_flags: CLOCK_REALTIME. */
    public static final int IORING_TIMEOUT_REALTIME = 1 << 3;
    /** timeout_flags: update a link timeout. */
    public static final int IORING_LINK_TIMEOUT_UPDATE = 1 << 4;
    /** timeout_flags: report expiry as res 0 instead of -ETIME. */
    public static final int IORING_TIMEOUT_ETIME_SUCCESS = 1 << 5;
    /** timeout_flags: repeating timeout. */
    public static final int IORING_TIMEOUT_MULTISHOT = 1 << 6;
    /** timeout_flags: sqe.addr holds nanoseconds instead of a timespec pointer. */
    public static final int IORING_TIMEOUT_IMMEDIATE_ARG = 1 << 7;
    /** MSG_RING command (sqe.addr): post a CQE with len/off as res/user_data. */
    public static final int IORING_MSG_DATA = 0;
    /** MSG_RING command (sqe.addr): pass a direct descriptor. */
    public static final int IORING_MSG_SEND_FD = 1;
    /** msg_ring_flags: no CQE on the source ring. */
    public static final int IORING_MSG_RING_CQE_SKIP = 1;
    /** msg_ring_flags: use sqe.file_index as the target cqe.flags. */
    public static final int IORING_MSG_RING_FLAGS_PASS = 1 << 1;
    /** POLL_ADD (sqe.len): multishot poll. */
    public static final int IORING_POLL_ADD_MULTI = 1;
    /** sqe.file_index: let the kernel pick a direct-descriptor slot. */
    public static final int IORING_FILE_INDEX_ALLOC = 0xFFFFFFFF;

    // ---- io_uring_register opcodes -----------------------------------------------------------

    /** Register buffers (iovec[], charged to RLIMIT_MEMLOCK). */
    public static final int IORING_REGISTER_BUFFERS = 0;
    /** Unregister buffers. */
    public static final int IORING_UNREGISTER_BUFFERS = 1;
    /** Register files (int[]). */
    public static final int IORING_REGISTER_FILES = 2;
    /** Unregister files. */
    public static final int IORING_UNREGISTER_FILES = 3;
    /** Register an eventfd notified on completions. */
    public static final int IORING_REGISTER_EVENTFD = 4;
    /** Unregister the eventfd. */
    public static final int IORING_UNREGISTER_EVENTFD = 5;
    /** Update registered files. */
    public static final int IORING_REGISTER_FILES_UPDATE = 6;
    /** Register an eventfd notified only on async completions. */
    public static final int IORING_REGISTER_EVENTFD_ASYNC = 7;
    /** Query supported ops (struct io_uring_probe, nr 256). */
    public static final int IORING_REGISTER_PROBE = 8;
    /** Register the current credentials. */
    public static final int IORING_REGISTER_PERSONALITY = 9;
    /** Unregister credentials. */
    public static final int IORING_UNREGISTER_PERSONALITY = 10;
    /** Restrict ops on an R_DISABLED ring. */
    public static final int IORING_REGISTER_RESTRICTIONS = 11;
    /** Enable an R_DISABLED ring; the caller becomes the single issuer. */
    public static final int IORING_REGISTER_ENABLE_RINGS = 12;
    /** Register files (struct io_uring_rsrc_register). */
    public static final int IORING_REGISTER_FILES2 = 13;
    /** Update files with tags. */
    public static final int IORING_REGISTER_FILES_UPDATE2 = 14;
    /** Register buffers (struct io_uring_rsrc_register). */
    public static final int IORING_REGISTER_BUFFERS2 = 15;
    /** Update registered buffers. */
    public static final int IORING_REGISTER_BUFFERS_UPDATE = 16;
    /** Set io-wq CPU affinity. */
    public static final int IORING_REGISTER_IOWQ_AFF = 17;
    /** Clear io-wq CPU affinity. */
    public static final int IORING_UNREGISTER_IOWQ_AFF = 18;
    /** Cap io-wq workers. */
    public static final int IORING_REGISTER_IOWQ_MAX_WORKERS = 19;
    /** Register ring fds for IORING_ENTER_REGISTERED_RING (per task). */
    public static final int IORING_REGISTER_RING_FDS = 20;
    /** Unregister ring fds. */
    public static final int IORING_UNREGISTER_RING_FDS = 21;
    /** Register a provided-buffer ring (struct io_uring_buf_reg). */
    public static final int IORING_REGISTER_PBUF_RING = 22;
    /** Unregister a provided-buffer ring. */
    public static final int IORING_UNREGISTER_PBUF_RING = 23;
    /** Synchronous cancel. */
    public static final int IORING_REGISTER_SYNC_CANCEL = 24;
    /** Direct-descriptor allocation range. */
    public static final int IORING_REGISTER_FILE_ALLOC_RANGE = 25;
    /** Read a buffer ring's kernel head (6.8). */
    public static final int IORING_REGISTER_PBUF_STATUS = 26;
    /** Register NAPI busy polling. */
    public static final int IORING_REGISTER_NAPI = 27;
    /** Unregister NAPI busy polling. */
    public static final int IORING_UNREGISTER_NAPI = 28;
    /** Select the clock for waits. */
    public static final int IORING_REGISTER_CLOCK = 29;
    /** Clone registered buffers from another ring. */
    public static final int IORING_REGISTER_CLONE_BUFFERS = 30;
    /** Synchronous MSG_RING without a source ring; fd -1 (6.13). */
    public static final int IORING_REGISTER_SEND_MSG_RING = 31;
    /** Zero-copy receive interface queue. */
    public static final int IORING_REGISTER_ZCRX_IFQ = 32;
    /** Resize SQ/CQ rings (6.13). */
    public static final int IORING_REGISTER_RESIZE_RINGS = 33;
    /** Register a memory region. */
    public static final int IORING_REGISTER_MEM_REGION = 34;
    /** OR into a register opcode when fd is a registered ring index. */
    public static final int IORING_REGISTER_USE_REGISTERED_RING = 1 << 31;

    // ---- io_uring_params.features ----------------------------------------------------------

    /** SQ and CQ rings share one mmap (5.4). */
    public static final int IORING_FEAT_SINGLE_MMAP = 1;
    /** CQEs are never dropped on overflow (5.5). */
    public static final int IORING_FEAT_NODROP = 1 << 1;
    /** SQE data is consumed at submit (5.5). */
    public static final int IORING_FEAT_SUBMIT_STABLE = 1 << 2;
    /** offset -1 means current file position (5.6). */
    public static final int IORING_FEAT_RW_CUR_POS = 1 << 3;
    /** Requests use the submitter's credentials (5.6). */
    public static final int IORING_FEAT_CUR_PERSONALITY = 1 << 4;
    /** Internal poll instead of io-wq for sockets (5.7). */
    public static final int IORING_FEAT_FAST_POLL = 1 << 5;
    /** 32-bit poll events (5.9). */
    public static final int IORING_FEAT_POLL_32BITS = 1 << 6;
    /** SQPOLL without fixed files (5.11). */
    public static final int IORING_FEAT_SQPOLL_NONFIXED = 1 << 7;
    /** io_uring_enter EXT_ARG (5.11). */
    public static final int IORING_FEAT_EXT_ARG = 1 << 8;
    /** io-wq workers are native threads (5.12). */
    public static final int IORING_FEAT_NATIVE_WORKERS = 1 << 9;
    /** Resource tags (5.13). */
    public static final int IORING_FEAT_RSRC_TAGS = 1 << 10;
    /** IOSQE_CQE_SKIP_SUCCESS (5.17). */
    public static final int IORING_FEAT_CQE_SKIP = 1 << 11;
    /** Linked file assignment (5.17). */
    public static final int IORING_FEAT_LINKED_FILE = 1 << 12;
    /** Registered ring fd usable with io_uring_register (6.3). */
    public static final int IORING_FEAT_REG_REG_RING = 1 << 13;
    /** send/recv bundles (6.10). */
    public static final int IORING_FEAT_RECVSEND_BUNDLE = 1 << 14;
    /** getevents_arg.min_wait_usec (6.12). */
    public static final int IORING_FEAT_MIN_TIMEOUT = 1 << 15;
    /** Read/write attributes. */
    public static final int IORING_FEAT_RW_ATTR = 1 << 16;
    /** IORING_ENTER_NO_IOWAIT (6.15). */
    public static final int IORING_FEAT_NO_IOWAIT = 1 << 17;

    // ---- SQ ring flags word, CQ ring flags word ---------------------------------------------

    /** SQPOLL thread sleeps; enter with SQ_WAKEUP. */
    public static final int IORING_SQ_NEED_WAKEUP = 1;
    /** CQ overflowed; reap, then enter with GETEVENTS to flush. */
    public static final int IORING_SQ_CQ_OVERFLOW = 1 << 1;
    /** Task work pending (TASKRUN_FLAG); enter with GETEVENTS. */
    public static final int IORING_SQ_TASKRUN = 1 << 2;
    /** CQ flags word: eventfd notifications disabled. */
    public static final int IORING_CQ_EVENTFD_DISABLED = 1;

    // ---- provided-buffer rings ----------------------------------------------------------------

    /** buf_reg.flags: kernel allocates the ring; mmap it at IORING_OFF_PBUF_RING (6.4). */
    public static final int IOU_PBUF_RING_MMAP = 1;
    /** buf_reg.flags: buffers are consumed incrementally (6.12). */
    public static final int IOU_PBUF_RING_INC = 1 << 1;

    // ---- mmap offsets -------------------------------------------------------------------------

    /** mmap offset of the SQ ring (and, with SINGLE_MMAP, the CQ ring). */
    public static final long IORING_OFF_SQ_RING = 0L;
    /** mmap offset of the CQ ring. */
    public static final long IORING_OFF_CQ_RING = 0x8000000L;
    /** mmap offset of the SQE array. */
    public static final long IORING_OFF_SQES = 0x10000000L;
    /** mmap offset of a kernel-allocated buffer ring: OR in {@code bgid << IORING_OFF_PBUF_SHIFT}. */
    public static final long IORING_OFF_PBUF_RING = 0x80000000L;
    /** Shift of the bgid in IORING_OFF_PBUF_RING. */
    public static final int IORING_OFF_PBUF_SHIFT = 16;

    // ---- sockets (x86_64 / generic values) ----------------------------------------------------

    /** IPv4. */
    public static final int AF_INET = 2;
    /** IPv6. */
    public static final int AF_INET6 = 10;
    /** Stream socket. */
    public static final int SOCK_STREAM = 1;
    /** Datagram socket. */
    public static final int SOCK_DGRAM = 2;
    /** socket()/accept4() type flag: non-blocking. */
    public static final int SOCK_NONBLOCK = 04000;
    /** socket()/accept4() type flag: close-on-exec. */
    public static final int SOCK_CLOEXEC = 02000000;
    /** Socket-level options. */
    public static final int SOL_SOCKET = 1;
    /** SO_DEBUG. */
    public static final int SO_DEBUG = 1;
    /** Allow reuse of local addresses. */
    public static final int SO_REUSEADDR = 2;
    /** Socket type (read only). */
    public static final int SO_TYPE = 3;
    /** Pending socket error (read only, clears it). */
    public static final int SO_ERROR = 4;
    /** Send buffer size. */
    public static final int SO_SNDBUF = 7;
    /** Receive buffer size. */
    public static final int SO_RCVBUF = 8;
    /** TCP keepalive. */
    public static final int SO_KEEPALIVE = 9;
    /** Linger on close (struct linger). */
    public static final int SO_LINGER = 13;
    /** Load-balance binds across sockets. */
    public static final int SO_REUSEPORT = 15;
    /** Socket domain (read only). */
    public static final int SO_DOMAIN = 39;
    /** TCP protocol / option level. */
    public static final int IPPROTO_TCP = 6;
    /** Disable Nagle. */
    public static final int TCP_NODELAY = 1;
    /** IPv6 option level. */
    public static final int IPPROTO_IPV6 = 41;
    /** UDP option and control-message level (IPPROTO_UDP). */
    public static final int SOL_UDP = 17;
    /** UDP generic segmentation offload: the segment size, as a uint16 control message (4.18). */
    public static final int UDP_SEGMENT = 103;
    /** IPv6 socket accepts only IPv6. */
    public static final int IPV6_V6ONLY = 26;
    /** shutdown: no more receives. */
    public static final int SHUT_RD = 0;
    /** shutdown: no more sends (FIN). */
    public static final int SHUT_WR = 1;
    /** shutdown: both directions. */
    public static final int SHUT_RDWR = 2;
    /** send flag: no SIGPIPE on a broken connection. */
    public static final int MSG_NOSIGNAL = 0x4000;
    /** recvmsg out flag: the datagram was longer than the buffer (payloadlen says how long). */
    public static final int MSG_TRUNC = 0x20;
    /** recv flag: wait for the full length; send: retry short sends (needed in IO_LINK chains). */
    public static final int MSG_WAITALL = 0x100;
    /** eventfd flag: close-on-exec. */
    public static final int EFD_CLOEXEC = 02000000;
    /** eventfd flag: non-blocking. */
    public static final int EFD_NONBLOCK = 04000;
    /** getrlimit: locked-in-memory bytes. */
    public static final int RLIMIT_MEMLOCK = 8;
    /** getrlimit: open file descriptors. */
    public static final int RLIMIT_NOFILE = 7;
}
