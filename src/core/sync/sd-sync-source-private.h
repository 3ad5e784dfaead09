/* sd-sync-source-private.h — what a sync source implements, and what the sources share
 *
 * A source turns a remote database into five streams of rows in one canonical shape (the
 * columns of Shopdesk's own CSV formats plus updated_at and deleted_at), every value as
 * text or NULL. The engine (sd-sync.c) knows nothing of SQL dialects; a source knows
 * nothing of the shop.
 */
#pragma once

#include "sd-sync.h"

G_BEGIN_DECLS

/* The remote streams, in the order a sync reads them: products and customers before the
 * orders and events that name them. */
typedef enum {
  SD_SYNC_STREAM_PRODUCTS,
  SD_SYNC_STREAM_CUSTOMERS,
  SD_SYNC_STREAM_ORDERS,     /* one row per order line */
  SD_SYNC_STREAM_EVENTS,
  SD_SYNC_STREAM_COUPONS,    /* coupon codes used on orders */
  SD_SYNC_N_STREAMS
} SdSyncStream;

/* What a column must hold. */
typedef enum {
  SD_SYNC_TYPE_ID,       /* text or a whole number */
  SD_SYNC_TYPE_TEXT,     /* anything, read as text */
  SD_SYNC_TYPE_INTEGER,
  SD_SYNC_TYPE_NUMBER,   /* a decimal amount */
  SD_SYNC_TYPE_TIME,     /* a timestamp, a date, unix seconds, or text as in the CSVs */
  SD_SYNC_TYPE_STAMP,    /* updated_at: a timestamp or unix seconds, never text */
} SdSyncType;

typedef struct {
  const char *name;
  SdSyncType  type;
  gboolean    required;
} SdSyncColumn;

#define SD_SYNC_MAX_COLUMNS 14

typedef struct {
  const char         *name;        /* the view's name in the generic contract */
  const SdSyncColumn *columns;     /* canonical order; updated_at and deleted_at last */
  guint               n_columns;
  guint               n_key;       /* the first n_key columns are the key */
  gboolean            optional;    /* a source may lack the whole stream */
} SdSyncStreamInfo;

const SdSyncStreamInfo *sd_sync_stream_info (SdSyncStream stream);
/* The index of @name among @stream's columns, or -1. */
int          sd_sync_stream_column (SdSyncStream stream,
                                    const char  *name);

typedef struct _SdSyncCursor SdSyncCursor;
struct _SdSyncCursor
{
  /* Fills values[] (canonical order) with the next row: TRUE; FALSE at the end, or with
   * @error when the read failed. */
  gboolean  (*next)  (SdSyncCursor *self, GError **error);
  void      (*free)  (SdSyncCursor *self);
  const char *values[SD_SYNC_MAX_COLUMNS];
};

void         sd_sync_cursor_free (SdSyncCursor *cursor);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdSyncCursor, sd_sync_cursor_free)

typedef struct {
  const char *name;
  /* Starts a read-only transaction (one consistent snapshot for the whole sync) and checks
   * every stream's tables and columns, failing with a message naming what is missing or
   * of the wrong type before anything is read. */
  gboolean       (*begin)    (SdSyncSource *self, GError **error);
  gboolean       (*has)      (SdSyncSource *self, SdSyncStream stream);
  /* Rows whose updated_at is at or after @since (unix seconds; < 0: all rows). */
  SdSyncCursor  *(*rows)     (SdSyncSource *self, SdSyncStream stream, gint64 since, GError **error);
  /* Only the key columns of every row that is not deleted: to notice deletions. */
  SdSyncCursor  *(*keys)     (SdSyncSource *self, SdSyncStream stream, GError **error);
  /* What the source holds, in a line or two: for the dialog's Test connection. */
  char          *(*describe) (SdSyncSource *self, GError **error);
  void           (*end)      (SdSyncSource *self);
  void           (*free)     (SdSyncSource *self);
  /* Asks the server to stop the statement the source's connection is running (PostgreSQL's
   * cancel request, MariaDB's KILL QUERY), from a thread of its own while the source's
   * thread waits in the client library; called again every so often while it still waits. */
  void           (*interrupt) (SdSyncSource *self);
} SdSyncSourceClass;

struct _SdSyncSource
{
  const SdSyncSourceClass *klass;
  char                    *id;     /* the URI without password: the key of the sync's state */
  char                    *label;  /* "PostgreSQL 15.18, schema shopdesk" */
  gboolean                 html_descriptions;  /* WooCommerce: descriptions are HTML */

  /* sd-sync-source.c: a cancel while the source waits on the server */
  GMutex                   call_lock;
  GCond                    call_changed;
  gboolean                 in_call;      /* the source's thread waits on the server */
  gboolean                 watching;
  GCancellable            *cancellable;  /* of the sync or description running */
  gulong                   cancelled_id;
  GThread                 *interrupter;  /* started by the first cancel, joined by unwatch */
};

/* Sets up the fields every source shares; sd_sync_source_free() clears them. */
void         sd_sync_source_init    (SdSyncSource            *self,
                                     const SdSyncSourceClass *klass,
                                     char                    *id);
/* From now until unwatch, a cancel of @cancellable interrupts the statement the source
 * waits on (klass->interrupt, from a thread of its own: the cancel may come from the
 * main loop, and a cancel request is a connection to the server). */
void         sd_sync_source_watch   (SdSyncSource  *self,
                                     GCancellable  *cancellable);
/* Stops watching, and waits for an interrupt under way: the source may then be freed. */
void         sd_sync_source_unwatch (SdSyncSource  *self);
/* Around every round trip to the server. Enter fails with G_IO_ERROR_CANCELLED once the
 * watched cancellable is cancelled, unless @even_cancelled (a statement's clean-up, which
 * would otherwise read the rest of a result the server is still making). */
gboolean     sd_sync_source_enter   (SdSyncSource  *self,
                                     gboolean       even_cancelled,
                                     GError       **error);
void         sd_sync_source_leave   (SdSyncSource  *self);

/* Waits until @fd can be read (or written), until @deadline (monotonic µs; < 0: none) or a
 * cancel: for a connect the user can cut short. G_IO_ERROR_TIMED_OUT, G_IO_ERROR_CANCELLED. */
gboolean     sd_sync_wait_socket    (int            fd,
                                     gboolean       for_write,
                                     gint64         deadline,
                                     GCancellable  *cancellable,
                                     GError       **error);

/* A parsed --from URI: Shopdesk's own parameters taken out, the rest kept for the client. */
typedef struct {
  char       *scheme;     /* postgresql, mysql */
  char       *user, *password, *host, *database;
  int         port;       /* 0: default */
  char       *socket;     /* mysql: ?socket= ; postgresql: ?host=/dir */
  char       *schema;     /* generic contract (postgresql: default "shopdesk") */
  char       *prefix;     /* woocommerce: default "wp_" */
  char       *flavour;    /* mysql: "woocommerce" (default) or "generic" */
  GPtrArray  *params;     /* the client library's: "name", "value", … */
} SdSyncUri;

SdSyncUri   *sd_sync_uri_parse  (const char *uri, GError **error);
void         sd_sync_uri_free   (SdSyncUri  *uri);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdSyncUri, sd_sync_uri_free)
/* The URI again, without its password: what the shop stores and keys its state by. */
char        *sd_sync_uri_to_id  (const SdSyncUri *uri);

SdSyncUri   *sd_sync_uri_copy   (const SdSyncUri *uri);

SdSyncSource *sd_sync_postgres_open    (const SdSyncUri *uri, GCancellable *cancellable, GError **error);
SdSyncSource *sd_sync_mariadb_open     (const SdSyncUri *uri, GCancellable *cancellable, GError **error);

/* How a database names its column types, by class. */
typedef struct {
  gboolean    (*integer)   (const char *data_type);
  gboolean    (*number)    (const char *data_type);   /* integers too */
  gboolean    (*text)      (const char *data_type);
  gboolean    (*time)      (const char *data_type);   /* timestamps and dates */
  gboolean    (*key_only)  (const char *data_type);   /* types only a key may have (uuid); may be NULL */
} SdSyncTypeClasses;

/* Whether a column of remote type @data_type can hold what @type needs. */
gboolean     sd_sync_type_fits (const SdSyncTypeClasses *classes,
                                SdSyncType               type,
                                const char              *data_type);

/* The generic contract's SELECT for @stream, for any SQL dialect. */
typedef struct {
  /* "\"name\"" or "`name`", appended to @out. */
  void        (*quote)     (GString *out, const char *name);
  /* An expression reading column @name of class @type and remote type @data_type as text
   * (time classes as unix seconds), appended to @out. */
  void        (*as_text)   (GString *out, const char *name, SdSyncType type, const char *data_type);
  /* The condition "@name >= the bound watermark" for a column of @data_type. */
  void        (*since)     (GString *out, const char *name, const char *data_type);
  const SdSyncTypeClasses *types;
} SdSyncDialect;

/* @name as an identifier between @quote characters (doubled inside it). */
void         sd_sync_quote  (GString    *out,
                             char        quote,
                             const char *name);

/* Checks that @columns (the view's, name → data type) hold what @stream needs; the error
 * names the view and the column. */
gboolean     sd_sync_generic_check  (SdSyncStream       stream,
                                     const char        *view_label,
                                     GHashTable        *columns,
                                     const SdSyncDialect *dialect,
                                     GError           **error);
/* SELECT … FROM @qualified_view [WHERE updated_at >= ?] (or only the keys). */
char        *sd_sync_generic_select (SdSyncStream       stream,
                                     const char        *qualified_view,
                                     GHashTable        *columns,
                                     const SdSyncDialect *dialect,
                                     gboolean           keys_only,
                                     gboolean           with_since);

G_END_DECLS
