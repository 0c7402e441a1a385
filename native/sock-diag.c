/*
 * The uid and inode of one TCP socket, asked of the kernel by its exact 4-tuple over
 * netlink sock_diag (as `ss` does). /proc/net/tcp costs a walk of the whole socket hash
 * table per read; this costs one lookup, whatever the host holds. Loaded optionally by
 * src/system/sock-diag.ts, which falls back to /proc/net/tcp when this is missing.
 *
 * lookup(address, port, remoteAddress, remotePort) describes the socket whose local end
 * is address:port: { uid, inode, state } (state as in include/net/tcp_states.h), null when the kernel knows no such socket, and a
 * thrown Error (its code the errno name) when netlink itself fails.
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct endpoint {
  int family;
  unsigned char bytes[16];
};

/* An IPv4-mapped IPv6 address names an IPv4 socket: the kernel keeps it in the v4 table. */
static int parse_address(const char *text, struct endpoint *out) {
  struct in6_addr v6;
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

/* 0 and the socket's uid and inode; ENOENT when there is no such socket; else an errno. */
static int query(const struct endpoint *src, int sport, const struct endpoint *dst, int dport, uint32_t *uid, uint32_t *inode, uint32_t *state) {
  struct {
    struct nlmsghdr nlh;
    struct inet_diag_req_v2 req;
  } msg;
  union {
    struct nlmsghdr nlh;
    char bytes[8192];
  } reply;
  struct sockaddr_nl kernel;
  size_t size = src->family == AF_INET ? 4 : 16;
  ssize_t got;
  int fd, error = 0;

  memset(&msg, 0, sizeof msg);
  msg.nlh.nlmsg_len = sizeof msg;
  msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  msg.nlh.nlmsg_flags = NLM_F_REQUEST;
  msg.nlh.nlmsg_seq = 1;
  msg.req.sdiag_family = (unsigned char)src->family;
  msg.req.sdiag_protocol = IPPROTO_TCP;
  msg.req.idiag_states = ~0u;
  msg.req.id.idiag_sport = htons((uint16_t)sport);
  msg.req.id.idiag_dport = htons((uint16_t)dport);
  memcpy(msg.req.id.idiag_src, src->bytes, size);
  memcpy(msg.req.id.idiag_dst, dst->bytes, size);
  msg.req.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  msg.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  memset(&kernel, 0, sizeof kernel);
  kernel.nl_family = AF_NETLINK;

  fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return errno;
  if (sendto(fd, &msg, sizeof msg, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) {
    error = errno;
    close(fd);
    return error;
  }
  /* The kernel answers inside sendto(); never block the event loop waiting for more. */
  got = recv(fd, &reply, sizeof reply, MSG_DONTWAIT);
  if (got < 0) error = errno;
  close(fd);
  if (error != 0) return error;
  if (!NLMSG_OK(&reply.nlh, (size_t)got)) return EPROTO;
  if (reply.nlh.nlmsg_type == NLMSG_ERROR) {
    const struct nlmsgerr *failure = NLMSG_DATA(&reply.nlh);
    return failure->error < 0 ? -failure->error : EPROTO;
  }
  if (reply.nlh.nlmsg_type != SOCK_DIAG_BY_FAMILY || reply.nlh.nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg))) return EPROTO;
  {
    const struct inet_diag_msg *found = NLMSG_DATA(&reply.nlh);
    *uid = found->idiag_uid;
    *inode = found->idiag_inode;
    *state = found->idiag_state;
  }
  return 0;
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
    default: return "ESOCKDIAG";
  }
}

static napi_value lookup(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4], result, value;
  char local_text[64], remote_text[64];
  int32_t local_port, remote_port;
  struct endpoint local, remote;
  uint32_t uid = 0, inode = 0, state = 0;
  int error;

  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4
      || napi_get_value_string_utf8(env, argv[0], local_text, sizeof local_text, NULL) != napi_ok
      || napi_get_value_int32(env, argv[1], &local_port) != napi_ok
      || napi_get_value_string_utf8(env, argv[2], remote_text, sizeof remote_text, NULL) != napi_ok
      || napi_get_value_int32(env, argv[3], &remote_port) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "lookup(address, port, remoteAddress, remotePort)");
    return NULL;
  }
  if (parse_address(local_text, &local) != 0 || parse_address(remote_text, &remote) != 0 || local.family != remote.family) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", "lookup: two IP addresses of one family");
    return NULL;
  }
  error = query(&local, local_port, &remote, remote_port, &uid, &inode, &state);
  if (error == ENOENT) {
    napi_get_null(env, &result);
    return result;
  }
  if (error != 0) {
    napi_throw_error(env, errno_code(error), strerror(error));
    return NULL;
  }
  napi_create_object(env, &result);
  napi_create_uint32(env, uid, &value);
  napi_set_named_property(env, result, "uid", value);
  napi_create_uint32(env, inode, &value);
  napi_set_named_property(env, result, "inode", value);
  napi_create_uint32(env, state, &value);
  napi_set_named_property(env, result, "state", value);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "lookup", NAPI_AUTO_LENGTH, lookup, NULL, &fn);
  napi_set_named_property(env, exports, "lookup", fn);
  return exports;
}
