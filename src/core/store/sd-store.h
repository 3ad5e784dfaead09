/* sd-store.h — one shop's SQLite database: opening, migrations, prepared statements */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* A statement borrowed from the store's cache. g_autoptr(SdStmt) resets it and clears
 * its bindings at scope exit, so no read transaction is left open by accident. */
typedef sqlite3_stmt SdStmt;
void sd_stmt_release (SdStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdStmt, sd_stmt_release)

typedef enum {
  SD_EVENT_VIEW = 0,
  SD_EVENT_CART = 1,
  SD_EVENT_PURCHASE = 2,
  SD_EVENT_REVIEW = 3,
  SD_N_EVENT_KINDS
} SdEventKind;

const char *sd_event_kind_to_string (SdEventKind kind);
gboolean    sd_event_kind_from_string (const char *str, SdEventKind *out);

typedef struct {
  gint64 customers;
  gint64 products;
  gint64 orders;
  gint64 order_lines;
  gint64 events[SD_N_EVENT_KINDS];
  gint64 revenue_cents;   /* net merchandise sales: see sd-figures.h */
  gint64 orders_counted;  /* sales with at least one merchandise line */
} SdStoreStats;

#define SD_TYPE_STORE (sd_store_get_type ())
G_DECLARE_FINAL_TYPE (SdStore, sd_store, SD, STORE, GObject)

typedef enum {
  SD_STORE_OPEN_EXISTING = 0,        /* a shop that is there: SD_ERROR_NOT_FOUND otherwise */
  SD_STORE_OPEN_CREATE   = 1 << 0,   /* a missing or empty file becomes a new, empty shop */
} SdStoreOpenFlags;

/* Opens and migrates the shop at @path. A file that is not a Shopdesk shop (another
 * application's database, not SQLite, made by a newer Shopdesk) is refused unchanged, and
 * a damaged one is called damaged. A shop that cannot be written (the file or its folder)
 * opens read-only: sd_store_is_read_only(), and every change fails saying so.
 * One SdStore per thread: a worker opens its own. */
SdStore      *sd_store_open_full         (const char        *path,
                                          SdStoreOpenFlags   flags,
                                          GError           **error);
/* How far bringing a shop up to date has got: @fraction from 0 to 1 and a line for people.
 * Called on the thread that opens the shop. */
typedef void (*SdStoreProgressFunc) (double      fraction,
                                     const char *text,
                                     gpointer    user_data);
/* Whether opening @path would first bring it up to date: a migration to this Shopdesk's
 * schema, or the first build of its summary tables, which take minutes on a shop of a
 * million customers. Reads only the schema version and the summary state: instant at any
 * size. FALSE for anything that is not a shop of an older or the current schema (opening
 * it then says what it is). */
gboolean      sd_store_needs_update      (const char        *path);
/* sd_store_open_full() for a worker thread, bringing the shop up to date (its migrations
 * and the first build of its summaries) in one transaction that reports to @progress and
 * that @cancellable interrupts, even inside a long statement: cancelled, the shop is left as
 * it was and NULL returned with G_IO_ERROR_CANCELLED. */
SdStore      *sd_store_open_updating     (const char          *path,
                                          SdStoreOpenFlags     flags,
                                          SdStoreProgressFunc  progress,
                                          gpointer             user_data,
                                          GCancellable        *cancellable,
                                          GError             **error);
/* sd_store_open_full() with SD_STORE_OPEN_CREATE. */
SdStore      *sd_store_open              (const char   *path,
                                          GError      **error);
gboolean      sd_store_is_read_only      (SdStore      *self);
const char   *sd_store_get_path          (SdStore      *self);
/* How a change waits while another connection holds the shop's write lock (an import, a
 * training run storing its model, another process): it tries again, backing off from 1 ms
 * to 250 ms, until the lock is free, @cancellable is cancelled (the change then fails with
 * G_IO_ERROR_CANCELLED) or @timeout_ms passed (< 0: no limit), after which it fails saying
 * the shop is busy and with what. Once a wait has lasted half a second, @func is given a
 * line to show ("Waiting for another import to finish") on the thread that waits.
 * A store starts with no cancellable and 5 s, for connections the main thread uses;
 * a worker passes its job's cancellable and no limit. */
typedef void (*SdStoreWaitFunc) (SdStore    *store,
                                 const char *text,
                                 gpointer    user_data);
void          sd_store_set_wait          (SdStore         *self,
                                          GCancellable    *cancellable,
                                          int              timeout_ms,
                                          SdStoreWaitFunc  func,
                                          gpointer         user_data);
/* A shop without any customers, products, orders or events, which no other connection
 * has open, switched from the write-ahead log to SQLite's rollback journal for its first
 * import: the import's pages are written once, into the file, rather than into the log
 * and again into the file at the checkpoint. Another process that opens the shop in the
 * meantime waits for the import as a writer would. TRUE if switched; then
 * sd_store_journal_restore() after the commit or the rollback turns the log on again. */
gboolean      sd_store_journal_for_first_import (SdStore *self);
void          sd_store_journal_restore   (SdStore      *self);
/* Held while an import writes, so that another writer waiting for the shop can say it waits
 * for an import. Dropped by the system if the process dies. */
void          sd_store_set_importing     (SdStore      *self,
                                          gboolean      importing);
/* Makes @cancellable (NULL: none) stop this connection's work for a long transaction (an
 * import, a sync, an update): once it is cancelled, the statement running stops within a
 * few thousand of SQLite's steps, and every one after it, failing with
 * G_IO_ERROR_CANCELLED; and nothing commits any more but sd_store_commit() (a statement
 * that would commit on its own is rolled back), so the shop stays as it was before the
 * transaction even where a caller goes on after an error. Set after sd_store_begin(),
 * cleared (NULL) after the commit or the rollback. */
void          sd_store_set_interrupt     (SdStore      *self,
                                          GCancellable *cancellable);
/* For a loop of statements each too short for the interrupt to stop: TRUE, with @error
 * set to G_IO_ERROR_CANCELLED, once sd_store_set_interrupt()'s cancellable is cancelled. */
gboolean      sd_store_set_error_if_interrupted (SdStore  *self,
                                                 GError  **error);
/* Tells views that something changed, as the detail of SdStore::changed, so each page
 * reloads only what it shows: "data" (an import, a sync, a trained model: everything may
 * differ), "coupons" (a rule saved, restored or deleted) or "settings" (name, currency,
 * order formats, policies). A handler of plain "changed" hears them all. Main thread only. */
#define SD_STORE_CHANGED_DATA    "data"
#define SD_STORE_CHANGED_COUPONS "coupons"
#define SD_STORE_CHANGED_SETTINGS "settings"   /* the shop's own settings (sd-shop-settings.h) */
void          sd_store_notify_changed    (SdStore      *self);
void          sd_store_notify_changed_detail (SdStore  *self,
                                          const char   *what);
sqlite3      *sd_store_get_db            (SdStore      *self);
int           sd_store_schema_version    (void);
/* The version whose migration made the summary tables: tests take a shop back to the one before. */
int           sd_store_summaries_schema_version (void);

/* A cached prepared statement for @sql (a constant string: values are always bound). */
SdStmt       *sd_store_prepare           (SdStore      *self,
                                          const char   *sql,
                                          GError      **error);
gboolean      sd_store_exec              (SdStore      *self,
                                          const char   *sql,
                                          GError      **error);
/* Sets @error from the connection's last error, prefixed with @what; returns FALSE. */
gboolean      sd_store_fail              (SdStore      *self,
                                          const char   *what,
                                          GError      **error);

gboolean      sd_store_begin             (SdStore      *self,
                                          GError      **error);
gboolean      sd_store_commit            (SdStore      *self,
                                          GError      **error);
void          sd_store_rollback          (SdStore      *self);
gboolean      sd_store_in_transaction    (SdStore      *self);

/* The first column of the one row @sql (a constant query) answers: a count. */
gboolean      sd_store_count             (SdStore      *self,
                                          const char   *sql,
                                          gint64       *out,
                                          GError      **error);
/* "@head VALUES (?, …), (?, …) …@tail": @n_rows rows of @n_columns parameters, the
 * columns of row r numbered from r × @n_columns + 1. One statement for many rows costs
 * one statement's start, cursors and end instead of one for each. */
char         *sd_store_values_sql        (const char   *head,
                                          guint         n_columns,
                                          guint         n_rows,
                                          const char   *tail);
gboolean      sd_store_get_stats         (SdStore      *self,
                                          SdStoreStats *stats,
                                          GError      **error);

/* The customers.id for @key: an external id, else a number that is a customers.id.
 * -1 with SD_ERROR_NOT_FOUND when there is no such customer. */
gint64        sd_store_find_customer     (SdStore      *self,
                                          const char   *key,
                                          GError      **error);
/* The products.id for @key, as sd_store_find_customer() finds a customer. */
gint64        sd_store_find_product      (SdStore      *self,
                                          const char   *key,
                                          GError      **error);

typedef enum {
  SD_STORE_CUSTOMERS,
  SD_STORE_PRODUCTS,
} SdStoreKeyed;

/* Every row of @table as external id (char *) → id (gint64 *), to match two shops' rows
 * by the ids their source gave them. */
GHashTable   *sd_store_ids_by_external   (SdStore      *self,
                                          SdStoreKeyed  table,
                                          GError      **error);

/* Sorts and indexes this connection builds spill to temporary files instead of memory
 * (a large shop's counts would take a gigabyte). */
void          sd_store_use_temp_files    (SdStore      *self);

/* Shop settings (policies, salts, …) as text. */
char         *sd_store_get_setting       (SdStore      *self,
                                          const char   *key);
gboolean      sd_store_set_setting       (SdStore      *self,
                                          const char   *key,
                                          const char   *value,
                                          GError      **error);
/* A secret of @n_bytes random bytes (sd_secure_random) kept as hex in the setting @key: the
 * shop's keys for hashing identities and for erasure tombstones. Made on first use when
 * @make (a write: inside the caller's transaction); NULL without an error when there is
 * none and not @make. */
GBytes       *sd_store_secret_key        (SdStore      *self,
                                          const char   *key,
                                          gsize         n_bytes,
                                          gboolean      make,
                                          GError      **error);


/* Training runs and their metric points, so curves of past runs can be compared.
 * A run is 'running' until finished with "finished", "cancelled" or "failed"; one whose
 * process died (killed, crashed, the machine stopped) is marked 'interrupted' by the next
 * connection that opens the shop for writing: while a run is in progress, its connection
 * holds a lock that the system drops with the process.
 * A metric point is written at once when the shop is free; while another connection writes,
 * it is queued (training never waits for it) and written with the next point that finds
 * the shop free, or at the latest with sd_store_run_finish(), in the same transaction as
 * the run's status. */
gint64        sd_store_run_begin         (SdStore      *self,
                                          const char   *kind,
                                          const char   *model,
                                          const char   *params_json,
                                          GError      **error);
gboolean      sd_store_run_add_point     (SdStore      *self,
                                          gint64        run_id,
                                          int           step,
                                          const char   *name,
                                          double        value,
                                          GError      **error);
gboolean      sd_store_run_finish        (SdStore      *self,
                                          gint64        run_id,
                                          const char   *status,
                                          const char   *summary_json,
                                          GError      **error);

G_END_DECLS
