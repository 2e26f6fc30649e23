/*
 * Kerbside's MariaDB authentication plugins: the accounts RDS's MySQL family creates with its
 * own plugins (IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS', authentication_kerberos AS
 * 'REALM', auth_pam) are decided by Kerbside's MySQL front door, not here. The door holds the
 * client's TLS, speaks the client's side of the login (an IAM token, a Kerberos ticket, a
 * directory password) and checks it with what Kerbside knows; this plugin only asks the door
 * what it decided and believes it when the answer carries this server's secret, which the door
 * read from a file only Kerbside and the server's user can read. Nothing else reaches the
 * server: it listens on a private socket only (see docs/architecture.md).
 *
 * The exchange, on the server's side:
 *   1. read: the server asks its client (the door) to switch to `kerbside_front_door`; what the
 *      door answers does not matter, but afterwards the account is known;
 *   2. write "kerbside <plugin> <account's AS string>": the door now knows how to log the client in;
 *   3. read "<secret> <principal>", or nothing (the door refused the client and closed).
 *
 * The library also holds AURORA_VERSION(), the function Aurora MySQL answers with its release.
 * Built by the Makefile with the server's plugin headers from Debian's libmariadbd-dev.
 */
#include <mysql/plugin_auth.h>
#include <mysql.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SECRET_CAPACITY 128

static char secret[SECRET_CAPACITY];
static size_t secret_length;

/* The secret's file is named by the server's environment (KERBSIDE_FRONT_DOOR_SECRET), which
 * only Kerbside sets; without it every login through these plugins is refused. */
static int load_secret(void *plugin)
{
    (void)plugin;
    if (secret_length) return 0;
    const char *path = getenv("KERBSIDE_FRONT_DOOR_SECRET");
    if (!path) return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t got = read(fd, secret, sizeof secret - 1);
    close(fd);
    while (got > 0 && (secret[got - 1] == '\n' || secret[got - 1] == ' ')) got--;
    secret_length = got > 0 ? (size_t)got : 0;
    return 0;
}

/* Compares without stopping at the first difference. */
static int same_secret(const unsigned char *given, size_t length)
{
    if (!secret_length || length != secret_length) return 0;
    unsigned char difference = 0;
    for (size_t i = 0; i < length; i++) difference |= given[i] ^ (unsigned char)secret[i];
    return difference == 0;
}

static int ask_the_door(MYSQL_PLUGIN_VIO *vio, MYSQL_SERVER_AUTH_INFO *info, const char *plugin)
{
    unsigned char *packet;
    if (vio->read_packet(vio, &packet) < 0) return CR_ERROR;
    char question[600];
    int length = snprintf(question, sizeof question, "kerbside %s %.*s", plugin,
                          (int)(info->auth_string_length < 500 ? info->auth_string_length : 500), info->auth_string);
    if (length < 0 || vio->write_packet(vio, (const unsigned char *)question, length)) return CR_ERROR;
    int answered = vio->read_packet(vio, &packet);
    if (answered <= 0) return CR_ERROR;
    const unsigned char *space = memchr(packet, ' ', (size_t)answered);
    if (!space || !same_secret(packet, (size_t)(space - packet))) return CR_ERROR;
    size_t principal = (size_t)answered - (size_t)(space - packet) - 1;
    if (principal > MYSQL_USERNAME_LENGTH) principal = MYSQL_USERNAME_LENGTH;
    memcpy(info->external_user, space + 1, principal);
    info->external_user[principal] = 0;
    info->password_used = PASSWORD_USED_YES;
    return CR_OK;
}

static int iam(MYSQL_PLUGIN_VIO *vio, MYSQL_SERVER_AUTH_INFO *info) { return ask_the_door(vio, info, "AWSAuthenticationPlugin"); }
static int kerberos(MYSQL_PLUGIN_VIO *vio, MYSQL_SERVER_AUTH_INFO *info) { return ask_the_door(vio, info, "authentication_kerberos"); }
static int pam(MYSQL_PLUGIN_VIO *vio, MYSQL_SERVER_AUTH_INFO *info) { return ask_the_door(vio, info, "auth_pam"); }

/* `IDENTIFIED WITH … AS '<string>'` keeps the string as it is (`RDS`, a realm). */
static int keep(const char *password, size_t password_length, char *hash, size_t *hash_length)
{
    if (password_length > *hash_length) return 1;
    memcpy(hash, password, password_length);
    *hash_length = password_length;
    return 0;
}

static struct st_mysql_auth iam_plugin = { MYSQL_AUTHENTICATION_INTERFACE_VERSION, "kerbside_front_door", iam, keep, NULL };
static struct st_mysql_auth kerberos_plugin = { MYSQL_AUTHENTICATION_INTERFACE_VERSION, "kerbside_front_door", kerberos, keep, NULL };
static struct st_mysql_auth pam_plugin = { MYSQL_AUTHENTICATION_INTERFACE_VERSION, "kerbside_front_door", pam, keep, NULL };

maria_declare_plugin(kerbside_auth)
{
    MYSQL_AUTHENTICATION_PLUGIN, &iam_plugin, "AWSAuthenticationPlugin", "Kerbside",
    "RDS IAM database authentication, decided by Kerbside's front door", PLUGIN_LICENSE_GPL,
    load_secret, NULL, 0x0100, NULL, NULL, "1.0", MariaDB_PLUGIN_MATURITY_GAMMA
},
{
    MYSQL_AUTHENTICATION_PLUGIN, &kerberos_plugin, "authentication_kerberos", "Kerbside",
    "Aurora MySQL Kerberos authentication, decided by Kerbside's front door", PLUGIN_LICENSE_GPL,
    load_secret, NULL, 0x0100, NULL, NULL, "1.0", MariaDB_PLUGIN_MATURITY_GAMMA
},
{
    MYSQL_AUTHENTICATION_PLUGIN, &pam_plugin, "auth_pam", "Kerbside",
    "RDS for MySQL Active Directory passwords, decided by Kerbside's front door", PLUGIN_LICENSE_GPL,
    load_secret, NULL, 0x0100, NULL, NULL, "1.0", MariaDB_PLUGIN_MATURITY_GAMMA
}
maria_declare_plugin_end;

/* AURORA_VERSION(): the Aurora MySQL release the server stands for (`3.08.2`), from its
 * environment (KERBSIDE_AURORA_VERSION, which Kerbside sets for Aurora members only), so a
 * cluster's upgrade is seen after its members restart, as on Aurora. A loadable function,
 * made on each Aurora server by CREATE FUNCTION ... SONAME 'kerbside_auth.so'. */
my_bool aurora_version_init(UDF_INIT *init, UDF_ARGS *args, char *message)
{
    if (args->arg_count != 0) {
        snprintf(message, MYSQL_ERRMSG_SIZE, "AURORA_VERSION() takes no arguments");
        return 1;
    }
    const char *release = getenv("KERBSIDE_AURORA_VERSION");
    init->maybe_null = release == NULL;
    init->max_length = release ? strlen(release) : 0;
    init->const_item = 1;
    return 0;
}

char *aurora_version(UDF_INIT *init, UDF_ARGS *args, char *result, unsigned long *length, char *is_null, char *error)
{
    (void)init; (void)args; (void)result; (void)error;
    const char *release = getenv("KERBSIDE_AURORA_VERSION");
    if (!release) {
        *is_null = 1;
        return NULL;
    }
    *length = strlen(release);
    return (char *)release;
}
