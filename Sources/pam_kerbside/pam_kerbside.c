/*
 * pam_kerbside: the PAM module PostgreSQL's `pam` login method calls for members of rds_iam.
 *
 * It relays the login to Kerbside's login gateway, which decides it (the IAM token's
 * signature, expiry, endpoint and the rds-db:connect policy), so a refused IAM login reads as on
 * RDS: `PAM authentication failed for user "app"`. The gateway speaks one LDAP simple bind, the
 * same one PostgreSQL's `ldap` method sends: DN `cn=<user>,ou=<DbiResourceId>`, the token as
 * password; result code 0 allows the login.
 *
 * Where the gateway is and which server asks come from the server's environment (PostgreSQL's
 * backends inherit it): KERBSIDE_LOGIN_GATEWAY=127.0.0.1:<port>, KERBSIDE_RESOURCE_ID=db-….
 * The token is never logged; every wait is bounded (5 s).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <syslog.h>
#include <unistd.h>

#define PAM_SM_AUTH
#define PAM_SM_ACCOUNT
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#define MAXIMUM_MESSAGE 65536

/* Appends a BER length to buffer; returns the bytes written. */
static size_t ber_length(unsigned char *out, size_t length) {
    if (length < 0x80) { out[0] = (unsigned char)length; return 1; }
    if (length <= 0xFF) { out[0] = 0x81; out[1] = (unsigned char)length; return 2; }
    out[0] = 0x82; out[1] = (unsigned char)(length >> 8); out[2] = (unsigned char)length;
    return 3;
}

/* Appends tag, length and value; returns the bytes written. */
static size_t ber_element(unsigned char *out, unsigned char tag, const void *value, size_t length) {
    size_t written = 0;
    out[written++] = tag;
    written += ber_length(out + written, length);
    memcpy(out + written, value, length);
    return written + length;
}

/* BindRequest: SEQUENCE { messageID 1, [APPLICATION 0] { version 3, name, [0] password } }. */
static size_t bind_request(unsigned char *out, const char *dn, const char *password) {
    static unsigned char body[MAXIMUM_MESSAGE], bind[MAXIMUM_MESSAGE];
    size_t bind_length = 0, body_length = 0;
    const unsigned char version = 3, message_id = 1;
    bind_length += ber_element(bind + bind_length, 0x02, &version, 1);
    bind_length += ber_element(bind + bind_length, 0x04, dn, strlen(dn));
    bind_length += ber_element(bind + bind_length, 0x80, password, strlen(password));
    body_length += ber_element(body + body_length, 0x02, &message_id, 1);
    body_length += ber_element(body + body_length, 0x60, bind, bind_length);
    return ber_element(out, 0x30, body, body_length);
}

/* Reads a BER length at in[*at]; -1 when malformed or past `end`. */
static long read_length(const unsigned char *in, size_t *at, size_t end) {
    if (*at >= end) return -1;
    unsigned char first = in[(*at)++];
    if (first < 0x80) return first;
    int count = first & 0x7F;
    if (count == 0 || count > 3 || *at + count > end) return -1;
    long length = 0;
    while (count-- > 0) length = (length << 8) | in[(*at)++];
    return length;
}

/* The resultCode of a BindResponse, or -1 when the reply is not one. */
static int bind_result(const unsigned char *in, size_t length) {
    size_t at = 0;
    if (length < 2 || in[at++] != 0x30 || read_length(in, &at, length) < 0) return -1;
    if (at >= length || in[at++] != 0x02) return -1;        /* messageID */
    long id_length = read_length(in, &at, length);
    if (id_length < 0 || at + (size_t)id_length > length) return -1;
    at += (size_t)id_length;
    if (at >= length || in[at++] != 0x61 || read_length(in, &at, length) < 0) return -1;
    if (at >= length || in[at++] != 0x0A) return -1;        /* resultCode */
    long code_length = read_length(in, &at, length);
    if (code_length != 1 || at >= length) return -1;
    return in[at];
}

/* Asks the gateway; PAM_SUCCESS only when it answers the bind with result 0. */
static int ask_gateway(pam_handle_t *pamh, const char *gateway, const char *dn, const char *password) {
    char host[64];
    const char *colon = strrchr(gateway, ':');
    if (colon == NULL || (size_t)(colon - gateway) >= sizeof host) {
        pam_syslog(pamh, LOG_ERR, "KERBSIDE_LOGIN_GATEWAY is not <address>:<port>");
        return PAM_AUTHINFO_UNAVAIL;
    }
    memcpy(host, gateway, (size_t)(colon - gateway));
    host[colon - gateway] = '\0';
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(colon + 1)) };
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) return PAM_AUTHINFO_UNAVAIL;

    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return PAM_AUTHINFO_UNAVAIL;
    struct timeval limit = { .tv_sec = 5, .tv_usec = 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    int verdict = PAM_AUTHINFO_UNAVAIL;
    static unsigned char request[MAXIMUM_MESSAGE + 64], reply[4096];
    if (connect(fd, (struct sockaddr *)&address, sizeof address) == 0) {
        size_t length = bind_request(request, dn, password), sent = 0;
        while (sent < length) {
            ssize_t n = send(fd, request + sent, length - sent, MSG_NOSIGNAL);
            if (n <= 0) break;
            sent += (size_t)n;
        }
        size_t received = 0;
        while (sent == length && received < sizeof reply) {
            ssize_t n = recv(fd, reply + received, sizeof reply - received, 0);
            if (n <= 0) break;
            received += (size_t)n;
            int code = bind_result(reply, received);
            if (code >= 0) { verdict = code == 0 ? PAM_SUCCESS : PAM_AUTH_ERR; break; }
        }
        /* UnbindRequest, as PostgreSQL's ldap method ends its session. */
        const unsigned char unbind[] = { 0x30, 0x05, 0x02, 0x01, 0x02, 0x42, 0x00 };
        send(fd, unbind, sizeof unbind, MSG_NOSIGNAL);
    } else {
        pam_syslog(pamh, LOG_ERR, "Kerbside's login gateway at %s does not answer: %s", gateway, strerror(errno));
    }
    close(fd);
    explicit_bzero(request, sizeof request);
    return verdict;
}

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv) {
    (void)flags; (void)argc; (void)argv;
    const char *user = NULL, *token = NULL;
    const char *gateway = getenv("KERBSIDE_LOGIN_GATEWAY"), *resource = getenv("KERBSIDE_RESOURCE_ID");
    if (gateway == NULL || resource == NULL) {
        pam_syslog(pamh, LOG_ERR, "not run by a Kerbside database server (KERBSIDE_LOGIN_GATEWAY, KERBSIDE_RESOURCE_ID unset)");
        return PAM_AUTHINFO_UNAVAIL;
    }
    if (pam_get_user(pamh, &user, NULL) != PAM_SUCCESS || user == NULL) return PAM_USER_UNKNOWN;
    if (pam_get_authtok(pamh, PAM_AUTHTOK, &token, NULL) != PAM_SUCCESS || token == NULL) return PAM_AUTH_ERR;
    size_t dn_length = strlen(user) + strlen(resource) + 8;
    if (dn_length + strlen(token) > MAXIMUM_MESSAGE - 64) return PAM_AUTH_ERR;
    char *dn = malloc(dn_length);
    if (dn == NULL) return PAM_BUF_ERR;
    strcpy(dn, "cn=");
    strcat(dn, user);
    strcat(dn, ",ou=");
    strcat(dn, resource);
    int verdict = ask_gateway(pamh, gateway, dn, token);
    free(dn);
    return verdict;
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv) {
    (void)pamh; (void)flags; (void)argc; (void)argv;
    return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv) {
    (void)pamh; (void)flags; (void)argc; (void)argv;
    return PAM_SUCCESS;
}
