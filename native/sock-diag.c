/*
 * The TCP sockets that could be a connection's peer, asked of the kernel over netlink
 * sock_diag (as `ss` does), for src/system/sock-diag.ts. The daemon compares all four
 * fields of each candidate with the accepted connection and trusts only exactly one
 * (src/daemon/peer-identity.ts): this file never decides who the peer is.
 *
 * The kernel's exact lookup (SOCK_DIAG_BY_FAMILY without NLM_F_DUMP) matches the
 * interface too: with idiag_if = 0 it finds only sockets bound to no device, and a socket
 * bound to one (SO_BINDTODEVICE needs no privilege since Linux 5.7, and an IPv6 link-local
 * connection is bound to its zone) answers "no such socket". So the same 4-tuple is asked
 * once with idiag_if = 0 and once for every interface of this network namespace, and
 * every distinct socket found is returned. Each ask is a hash lookup (microseconds); a
 * dump filtered by ports would find the same sockets but walks the whole established
 * table, ~2 ms per family on a host with 262,144 buckets (docs/security-model.md).
 *
 * Exports:
 *   candidates(localAddress, localPort, remoteAddress, remotePort) -> [{ family, local,
 *     localPort, remote, remotePort, uid, inode, state, ifindex }], the sockets whose local
 *     end is localAddress:localPort and remote end remoteAddress:remotePort, as the kernel
 *     describes them. An IPv4 tuple also finds an IPv6 socket that talks IPv4 (v4-mapped).
 *     Throws an Error whose code is the errno name when netlink fails or answers what it
 *     should not (a short or truncated message, another sequence number, another sender),
 *     and a TypeError (ERR_INVALID_ARG_*) for arguments that are not two addresses of one
 *     family and two ports.
 *   probe() -> null when a sock_diag socket can be opened, else the errno name: the one
 *     failure that means "this machine has no such lookup" rather than "this lookup failed".
 *   parseReply(buffer, seq) -> the sockets in one reply buffer, for tests that feed it
 *     malformed answers; throws as candidates() does (ENOENT for "no such socket").
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <net/if.h>
#include <unistd.h>

/* One socket per interface at most; more interfaces than this are not looked through. */
#define MAX_CANDIDATES 64
/* TCP states as numbered in the kernel's include/net/tcp_states.h (no uapi header has them). */
enum { STATE_ESTABLISHED = 1, STATE_FIN_WAIT1 = 4, STATE_FIN_WAIT2 = 5 };
/* ESTABLISHED, and the client's half-close states: full sockets that carry their owner's uid. */
#define PEER_STATES ((1u << STATE_ESTABLISHED) | (1u << STATE_FIN_WAIT1) | (1u << STATE_FIN_WAIT2))

struct endpoint {
  int family;
  unsigned char bytes[16];
};

/* An IPv4-mapped IPv6 address names an IPv4 socket: the kernel keeps it in the v4 table. */
static int parse_address(const char *text, struct endpoint *out) {
  struct in6_addr v6;
  memset(out, 0, sizeof *out);
  if (inet_pton(AF_INET, text, out->bytes) == 1) {
    out->family = AF_INET;
    return 0;
  }
  if (inet_pton(AF_INET6, text, &v6) != 1) return EINVAL;
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    out->family = AF_INET;
    memcpy(out->bytes, &v6.s6_addr[12], 4);
  } else {
    out->family = AF_INET6;
    memcpy(out->bytes, &v6, 16);
  }
  return 0;
}

struct candidate {
  uint8_t family;
  uint8_t state;
  uint16_t local_port, remote_port;
  uint32_t uid, inode, ifindex;
  unsigned char local[16], remote[16];
};

struct found {
  size_t count;
  struct candidate items[MAX_CANDIDATES];
};

struct exact_request {
  struct nlmsghdr nlh;
  struct inet_diag_req_v2 req;
};

static void build_request(struct exact_request *msg, const struct endpoint *local, uint16_t local_port,
                          const struct endpoint *remote, uint16_t remote_port, uint32_t ifindex, uint32_t seq) {
  memset(msg, 0, sizeof *msg);
  msg->nlh.nlmsg_len = sizeof *msg;
  msg->nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  msg->nlh.nlmsg_flags = NLM_F_REQUEST;
  msg->nlh.nlmsg_seq = seq;
  msg->req.sdiag_family = (unsigned char)local->family;
  msg->req.sdiag_protocol = IPPROTO_TCP;
  msg->req.idiag_states = PEER_STATES;
  msg->req.id.idiag_sport = htons(local_port);
  msg->req.id.idiag_dport = htons(remote_port);
  memcpy(msg->req.id.idiag_src, local->bytes, local->family == AF_INET ? 4 : 16);
  memcpy(msg->req.id.idiag_dst, remote->bytes, remote->family == AF_INET ? 4 : 16);
  msg->req.id.idiag_if = ifindex;
  msg->req.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  msg->req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
}

static int add_candidate(const struct inet_diag_msg *msg, struct found *out) {
  struct candidate *item;
  size_t size = msg->idiag_family == AF_INET ? 4 : 16;
  size_t i;
  if (msg->idiag_family != AF_INET && msg->idiag_family != AF_INET6) return EPROTO;
  /* An unbound socket answers for every interface: count it once. */
  for (i = 0; i < out->count; i++) {
    if (out->items[i].inode == msg->idiag_inode && msg->idiag_inode != 0) return 0;
  }
  if (out->count == MAX_CANDIDATES) return E2BIG;
  item = &out->items[out->count++];
  memset(item, 0, sizeof *item);
  item->family = msg->idiag_family;
  item->state = msg->idiag_state;
  item->local_port = ntohs(msg->id.idiag_sport);
  item->remote_port = ntohs(msg->id.idiag_dport);
  item->uid = msg->idiag_uid;
  item->inode = msg->idiag_inode;
  item->ifindex = msg->id.idiag_if;
  memcpy(item->local, msg->id.idiag_src, size);
  memcpy(item->remote, msg->id.idiag_dst, size);
  return 0;
}

/*
 * Reads one reply buffer: 0 when more is to come, -1 at NLMSG_DONE, else an errno. Every
 * message must be whole, carry our sequence number, and be a diag entry, DONE or ERROR.
 */
static int parse_reply(const void *buffer, size_t length, uint32_t seq, struct found *out) {
  const struct nlmsghdr *nlh = buffer;
  /* Signed: NLMSG_NEXT subtracts the aligned length, which may pass the end of a bad buffer. */
  int left = length > 65536 ? 65536 : (int)length;
  if (length < sizeof *nlh || length > 65536) return EPROTO;
  for (; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left)) {
    if (nlh->nlmsg_seq != seq) return EPROTO;
    if (nlh->nlmsg_type == NLMSG_DONE) return -1;
    if (nlh->nlmsg_type == NLMSG_ERROR) {
      const struct nlmsgerr *failure = NLMSG_DATA(nlh);
      if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof *failure)) return EPROTO;
      return failure->error < 0 ? -failure->error : EPROTO;
    }
    if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) return EPROTO;
    {
      int error = add_candidate(NLMSG_DATA(nlh), out);
      if (error != 0) return error;
    }
  }
  /* Bytes left over are a message cut short. */
  return left == 0 ? 0 : EPROTO;
}

/* Sends one exact request and reads its one answer: 0, ENOENT (no such socket), or an errno. */
static int ask(int fd, const struct exact_request *msg, struct found *out) {
  union {
    struct nlmsghdr nlh;
    char bytes[8192];
  } reply;
  struct sockaddr_nl kernel, sender;
  struct iovec iov = { reply.bytes, sizeof reply.bytes };
  struct msghdr header;
  ssize_t got;
  int status;
  memset(&kernel, 0, sizeof kernel);
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd, msg, sizeof *msg, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) return errno;
  memset(&header, 0, sizeof header);
  header.msg_name = &sender;
  header.msg_namelen = sizeof sender;
  header.msg_iov = &iov;
  header.msg_iovlen = 1;
  /* The kernel answers inside sendto(); never block the event loop waiting for more. */
  got = recvmsg(fd, &header, MSG_DONTWAIT);
  if (got < 0) return errno;
  if ((header.msg_flags & MSG_TRUNC) != 0) return EPROTO;
  /* Only the kernel (port id 0) answers sock_diag. */
  if (header.msg_namelen != sizeof sender || sender.nl_family != AF_NETLINK || sender.nl_pid != 0) return EPROTO;
  status = parse_reply(reply.bytes, (size_t)got, msg->nlh.nlmsg_seq, out);
  return status == -1 ? 0 : status;
}

static uint32_t next_seq(void) {
  static uint32_t seq;
  /* Any number will do as long as a stale answer cannot carry it: one per request. */
  if (seq == 0) seq = (uint32_t)getpid() << 8;
  return ++seq;
}

/* The tuple asked with idiag_if = 0, then once per interface of this namespace. */
static int ask_every_interface(const struct endpoint *local, uint16_t local_port, const struct endpoint *remote, uint16_t remote_port, struct found *out) {
  struct exact_request msg;
  struct if_nameindex *interfaces, *each;
  int error, fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return errno;
  interfaces = if_nameindex();
  if (interfaces == NULL) {
    error = errno;
    close(fd);
    return error;
  }
  build_request(&msg, local, local_port, remote, remote_port, 0, next_seq());
  error = ask(fd, &msg, out);
  for (each = interfaces; (error == 0 || error == ENOENT) && each->if_index != 0; each++) {
    build_request(&msg, local, local_port, remote, remote_port, each->if_index, next_seq());
    error = ask(fd, &msg, out);
  }
  if_freenameindex(interfaces);
  close(fd);
  return error == ENOENT ? 0 : error;
}

static const char *errno_code(int error) {
  switch (error) {
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case EAGAIN: return "EAGAIN";
    case EINVAL: return "EINVAL";
    case EPROTO: return "EPROTO";
    case E2BIG: return "E2BIG";
    case ENOBUFS: return "ENOBUFS";
    case ENOMEM: return "ENOMEM";
    case ENOENT: return "ENOENT";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    default: return "ESOCKDIAG";
  }
}

static void set_uint(napi_env env, napi_value object, const char *name, uint32_t number) {
  napi_value value;
  napi_create_uint32(env, number, &value);
  napi_set_named_property(env, object, name, value);
}

static void set_address(napi_env env, napi_value object, const char *name, int family, const unsigned char *bytes) {
  char text[INET6_ADDRSTRLEN];
  napi_value value;
  if (inet_ntop(family, bytes, text, sizeof text) == NULL) text[0] = '\0';
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &value);
  napi_set_named_property(env, object, name, value);
}

static napi_value to_array(napi_env env, const struct found *found) {
  napi_value array;
  size_t i;
  napi_create_array_with_length(env, found->count, &array);
  for (i = 0; i < found->count; i++) {
    const struct candidate *item = &found->items[i];
    napi_value entry;
    napi_create_object(env, &entry);
    set_uint(env, entry, "family", item->family == AF_INET ? 4 : 6);
    set_address(env, entry, "local", item->family, item->local);
    set_uint(env, entry, "localPort", item->local_port);
    set_address(env, entry, "remote", item->family, item->remote);
    set_uint(env, entry, "remotePort", item->remote_port);
    set_uint(env, entry, "uid", item->uid);
    set_uint(env, entry, "inode", item->inode);
    set_uint(env, entry, "state", item->state);
    set_uint(env, entry, "ifindex", item->ifindex);
    napi_set_element(env, array, (uint32_t)i, entry);
  }
  return array;
}

static napi_value fail(napi_env env, int error) {
  napi_throw_error(env, errno_code(error), strerror(error));
  return NULL;
}

static int port_arg(napi_env env, napi_value value, uint16_t *port) {
  int32_t number;
  if (napi_get_value_int32(env, value, &number) != napi_ok || number < 0 || number > 65535) return -1;
  *port = (uint16_t)number;
  return 0;
}

static int address_arg(napi_env env, napi_value value, struct endpoint *out) {
  char text[64];
  if (napi_get_value_string_utf8(env, value, text, sizeof text, NULL) != napi_ok) return -1;
  return parse_address(text, out) == 0 ? 0 : 1;
}

static napi_value candidates(napi_env env, napi_callback_info info) {
  struct found found;
  size_t argc = 4;
  napi_value argv[4];
  struct endpoint local, remote;
  uint16_t local_port, remote_port;
  int local_status, remote_status, error;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4
      || port_arg(env, argv[1], &local_port) != 0 || port_arg(env, argv[3], &remote_port) != 0
      || (local_status = address_arg(env, argv[0], &local)) < 0 || (remote_status = address_arg(env, argv[2], &remote)) < 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "candidates(localAddress, localPort, remoteAddress, remotePort)");
    return NULL;
  }
  if (local_status != 0 || remote_status != 0 || local.family != remote.family) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", "candidates: two IP addresses of one family, without a zone");
    return NULL;
  }
  found.count = 0;
  error = ask_every_interface(&local, local_port, &remote, remote_port, &found);
  return error != 0 ? fail(env, error) : to_array(env, &found);
}

static napi_value parse(napi_env env, napi_callback_info info) {
  struct found found;
  size_t argc = 2, length = 0;
  napi_value argv[2];
  void *data = NULL;
  uint32_t seq;
  int status;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2
      || napi_get_buffer_info(env, argv[0], &data, &length) != napi_ok
      || napi_get_value_uint32(env, argv[1], &seq) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "parseReply(buffer, seq)");
    return NULL;
  }
  found.count = 0;
  status = parse_reply(data, length, seq, &found);
  return status > 0 ? fail(env, status) : to_array(env, &found);
}

static napi_value probe(napi_env env, napi_callback_info info) {
  napi_value result;
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  (void)info;
  if (fd < 0) {
    napi_create_string_utf8(env, errno_code(errno), NAPI_AUTO_LENGTH, &result);
    return result;
  }
  close(fd);
  napi_get_null(env, &result);
  return result;
}

static void export_function(napi_env env, napi_value exports, const char *name, napi_callback callback) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, callback, NULL, &fn);
  napi_set_named_property(env, exports, name, fn);
}

NAPI_MODULE_INIT() {
  export_function(env, exports, "candidates", candidates);
  export_function(env, exports, "parseReply", parse);
  export_function(env, exports, "probe", probe);
  return exports;
}
