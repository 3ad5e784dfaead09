/* sd-sync.h — keeping a shop in step with a live shop database
 *
 * A sync reads a WooCommerce database (MariaDB/MySQL) or the generic views of any shop
 * (PostgreSQL or MariaDB; README, “Sync from a database”) in one read-only transaction on
 * the remote side, and writes what changed into the shop: the first sync loads every row,
 * later ones only rows whose updated_at is at or after the last one seen (less a few
 * minutes' overlap), and compare key sets to notice deletions. Each row's content is
 * remembered as a hash, so syncing twice changes nothing and says so. A sync is one
 * SQLite transaction: a failed or cancelled one leaves the shop as it was.
 */
#pragma once

#include <gio/gio.h>

#include "sd-job.h"
#include "sd-json-writer.h"
#include "sd-store.h"

G_BEGIN_DECLS

/* The shop's tables a sync writes, as its report counts them. */
typedef enum {
  SD_SYNC_CUSTOMERS,
  SD_SYNC_PRODUCTS,
  SD_SYNC_ORDERS,
  SD_SYNC_ORDER_LINES,
  SD_SYNC_EVENTS,
  SD_SYNC_COUPON_USES,
  SD_SYNC_N_TABLES
} SdSyncTable;

const char *sd_sync_table_name  (SdSyncTable table);
/* Its name for people, translated: "Order lines". */
const char *sd_sync_table_label (SdSyncTable table);

typedef struct {
  guint64 inserted, updated, deleted, rejected, unchanged;
} SdSyncCounts;

typedef struct {
  SdSyncTable table;
  char       *key;      /* the remote row's key: "1042", "SD-100001#2" */
  char       *reason;   /* naming the column */
} SdSyncReject;

typedef struct {
  char         *source;        /* the URI without password */
  char         *label;         /* "PostgreSQL 15.18, schema shopdesk" */
  gboolean      full;          /* the first sync from this source: every row read */
  SdSyncCounts  tables[SD_SYNC_N_TABLES];
  GPtrArray    *rejects;       /* SdSyncReject *, the first 1,000 */
  guint64       rows_read;
  gint64        elapsed_us;
} SdSyncReport;

void          sd_sync_report_free    (SdSyncReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdSyncReport, sd_sync_report_free)
/* A few lines a person can read, like an import's report. */
char         *sd_sync_report_to_text (SdSyncReport *report);
/* {"tables": {"customers": {"inserted": n, …}, …}, "elapsed_ms": n} */
void          sd_sync_report_to_json (SdSyncReport *report,
                                      SdJsonWriter *writer);

typedef struct _SdSyncSource SdSyncSource;

/* Connects to the database @uri names (postgresql://… or mysql://…; README), with
 * @password when the URI has none (NULL: none). Fails with a message a person can act on:
 * a wrong password, a host that does not answer, a missing database; a cancel of
 * @cancellable stops the wait for a host at once (G_IO_ERROR_CANCELLED). */
SdSyncSource *sd_sync_source_open     (const char    *uri,
                                       const char    *password,
                                       GCancellable  *cancellable,
                                       GError       **error);
void          sd_sync_source_free     (SdSyncSource  *source);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdSyncSource, sd_sync_source_free)
/* What a Test connection shows: the server, and the rows of each table it found. Checks
 * every table and column the sync will read; a cancel stops the server's counting too. */
char         *sd_sync_source_describe (SdSyncSource  *source,
                                       GCancellable  *cancellable,
                                       GError       **error);
/* The URI without its password. */
const char   *sd_sync_source_get_id   (SdSyncSource  *source);

/* Called now and then from the syncing thread. */
typedef void (*SdSyncProgressFunc) (double      fraction,
                                    const char *text,
                                    gpointer    user_data);

/* Syncs @store from @source. NULL with @error (G_IO_ERROR_CANCELLED when cancelled) when
 * it failed as a whole; the shop is then unchanged. A cancel stops the statement the
 * server is running too, and the source can sync again afterwards. */
SdSyncReport *sd_sync_run             (SdStore            *store,
                                       SdSyncSource       *source,
                                       SdSyncProgressFunc  progress,
                                       gpointer            user_data,
                                       GCancellable       *cancellable,
                                       GError            **error);

typedef enum {
  SD_SYNC_JOB_SYNC              = 0,
  SD_SYNC_JOB_TEST_ONLY         = 1 << 0,   /* connect, check, describe: change nothing */
  SD_SYNC_JOB_REMEMBER_PASSWORD = 1 << 1,   /* keep @password in the keyring once it worked */
} SdSyncJobFlags;

/* A job that connects to @uri and syncs the shop at @db_path on its own connection; on
 * success it keeps @uri (without password) as the shop's source. @password NULL: the
 * worker asks sd_sync_password_lookup() (the keyring is never asked on the main thread). */
SdJob        *sd_sync_job_new         (const char     *db_path,
                                       const char     *uri,
                                       const char     *password,
                                       SdSyncJobFlags  flags);
SdSyncReport *sd_sync_job_get_report  (SdJob          *job);
/* After a SD_SYNC_JOB_TEST_ONLY job: what the database holds (sd_sync_source_describe). */
const char   *sd_sync_job_get_description (SdJob      *job);

/* The fields of the dialog's form, to and from a --from URI. */
typedef enum {
  SD_SYNC_KIND_POSTGRESQL,     /* the generic views on PostgreSQL */
  SD_SYNC_KIND_WOOCOMMERCE,    /* WooCommerce on MariaDB/MySQL */
  SD_SYNC_KIND_MARIADB,        /* the generic views on MariaDB/MySQL */
} SdSyncKind;

typedef struct {
  SdSyncKind  kind;
  char       *host;
  int         port;            /* 0: the default */
  char       *socket;          /* a socket (MariaDB) or its folder (PostgreSQL) */
  char       *database;
  char       *user;
  char       *tls;             /* disable, prefer, require, verify-ca, verify-full; NULL: the library's default */
  char       *namespace;       /* the schema (generic) or table prefix (WooCommerce); NULL: default */
} SdSyncConnection;

void          sd_sync_connection_clear   (SdSyncConnection *conn);
char         *sd_sync_connection_to_uri  (const SdSyncConnection *conn);
gboolean      sd_sync_connection_from_uri (const char      *uri,
                                           SdSyncConnection *conn,
                                           GError         **error);

/* The password for @uri: SHOPDESK_DB_PASSWORD when set, else the user's keyring (libsecret),
 * else NULL (no error: the server may need none). */
char         *sd_sync_password_lookup (const char   *uri,
                                       GError      **error);
/* Keeps @password in the user's keyring for @uri (never in the shop file). */
gboolean      sd_sync_password_store  (const char   *uri,
                                       const char   *password,
                                       GError      **error);

/* The shop's connection settings: its source URI (host, port or socket, database, user,
 * TLS mode, schema or prefix; never a password), and the last sync's time and result. */
char         *sd_sync_settings_get_uri (SdStore     *store);
gboolean      sd_sync_settings_set_uri (SdStore     *store,
                                        const char  *uri,
                                        GError     **error);
/* Whether the window syncs the shop from its source each time it opens it. */
gboolean      sd_sync_settings_get_on_open (SdStore  *store);
gboolean      sd_sync_settings_set_on_open (SdStore  *store,
                                            gboolean  on_open,
                                            GError  **error);
/* The end of the last sync (unix seconds, 0: never) and its report as text (NULL: never). */
gint64        sd_sync_settings_get_last (SdStore    *store,
                                         char      **summary);

/* A customer forgotten in Shopdesk (the right to erasure) is never brought back by a sync.
 * HOOK: the shop keeps no erasure tombstones yet (issue 18 adds them); until then this
 * says no for everyone. The sync asks it before writing any customer. */
gboolean      sd_sync_customer_is_forgotten (SdStore     *store,
                                             const char  *external_id);

G_END_DECLS
