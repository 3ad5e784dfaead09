/* sd-import.h — importing a shop's export files into its store
 *
 * Every import is streaming, runs in one transaction, reports progress, can be
 * cancelled, and leaves the database exactly as it was when it is cancelled or fails
 * as a whole. Rows that cannot be used are rejected one by one (with line and reason)
 * and the good rows are kept. Re-importing a file upserts by external id.
 */
#pragma once

#include <gio/gio.h>

#include "sd-job.h"
#include "sd-store.h"

G_BEGIN_DECLS

typedef enum {
  SD_IMPORT_AUTO,                  /* detect from the header */
  SD_IMPORT_ONLINE_RETAIL,
  SD_IMPORT_MOVIELENS,
  SD_IMPORT_SHOPIFY_PRODUCTS,
  SD_IMPORT_SHOPIFY_ORDERS,
  SD_IMPORT_SHOPIFY_CUSTOMERS,
  SD_IMPORT_WOOCOMMERCE_PRODUCTS,
  SD_IMPORT_CUSTOMERS,             /* generic CSVs, headers documented in the README */
  SD_IMPORT_PRODUCTS,
  SD_IMPORT_ORDERS,
  SD_IMPORT_EVENTS,
  SD_IMPORT_WOOCOMMERCE_ORDERS,
  SD_IMPORT_WOOCOMMERCE_CUSTOMERS,
  SD_N_IMPORT_FORMATS
} SdImportFormat;

/* The names the CLI takes (--format): "auto", "online-retail", "movielens", … */
const char *sd_import_format_to_string   (SdImportFormat  format);
gboolean    sd_import_format_from_string (const char     *name,
                                          SdImportFormat *out);
/* A translatable human name: "UCI Online Retail", "Shopify products", … */
const char *sd_import_format_get_label   (SdImportFormat  format);

typedef enum {
  SD_IMPORT_PHASE_ROWS,        /* reading, checking and writing the rows */
  SD_IMPORT_PHASE_INDEXES,     /* counting the rows for the summaries, building set-aside indexes */
  SD_IMPORT_PHASE_FINISH,      /* order totals, product kinds */
  SD_IMPORT_PHASE_SUMMARIES,   /* the figures of the changed days */
  SD_IMPORT_PHASE_COMMIT,      /* the import's record, COMMIT */
  SD_IMPORT_N_PHASES
} SdImportPhase;

typedef struct {
  guint64  line;       /* 1-based line in the file where the row starts */
  char    *reason;     /* "bad number “12,5x” in column Quantity" */
  char    *raw;        /* the row as read (cut to a sane length) */
} SdImportReject;

typedef struct {
  char           *file;
  SdImportFormat  format;             /* as detected, never AUTO */
  guint64         rows_read;
  guint64         rows_imported;
  guint64         rows_rejected;
  /* Cases handled, not rejected, by name: "cancellations", "negative-quantities",
   * "rows-without-customer", "re-encoded-latin1", "continuation-rows", … */
  GHashTable     *counts;             /* char * → guint64 * (count) */
  GPtrArray      *rejects;            /* SdImportReject * */
  gint64          elapsed_us;
  /* Where the time went: CPU time of the importing thread per phase (bench/import.sh). */
  gint64          cpu_us[SD_IMPORT_N_PHASES];
} SdImportReport;

/* The name of a phase in reports and JSON: "rows", "indexes", … */
const char     *sd_import_phase_to_string      (SdImportPhase    phase);

void            sd_import_report_free          (SdImportReport  *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdImportReport, sd_import_report_free)
guint64         sd_import_report_get_count     (SdImportReport  *report,
                                                const char      *name);
/* What a handled case is called in a report a person reads ("rows without a customer",
 * translated); the name itself for a case this version does not know. */
const char     *sd_import_count_get_label      (const char      *name);
/* A few lines a person can read: what was imported, what was handled, what was rejected. */
char           *sd_import_report_to_text       (SdImportReport  *report);
/* The rejected rows as CSV: line, reason, raw. */
char           *sd_import_report_rejects_to_csv (SdImportReport *report,
                                                 gsize          *length);
gboolean        sd_import_report_save_rejects  (SdImportReport  *report,
                                                const char      *path,
                                                GError         **error);

typedef struct {
  SdImportFormat  format;
  gboolean        hash_identities;   /* store customer names and e-mails hashed */
} SdImportOptions;

/* "120,000 rows" ("120.000 rows" in German): how progress lines and reports count rows,
 * grouped as the user's locale groups (sd_format_count). */
char           *sd_import_rows_to_text         (guint64          rows);

/* Called now and then from the importing thread. */
typedef void (*SdImportProgressFunc) (guint64   bytes_done,
                                      guint64   bytes_total,
                                      guint64   rows,
                                      gpointer  user_data);

/* Detects the format from the file's header (plain or .gz). */
gboolean        sd_import_detect_format        (const char      *path,
                                                SdImportFormat  *out,
                                                GError         **error);

/* Returns NULL with @error when the file failed as a whole (empty, binary, wrong format,
 * cancelled: G_IO_ERROR_CANCELLED) and nothing changed; otherwise a report, whose
 * rows_rejected may be non-zero. */
SdImportReport *sd_import_file                 (SdStore               *store,
                                                const char            *path,
                                                const SdImportOptions *options,
                                                SdImportProgressFunc   progress,
                                                gpointer               user_data,
                                                GCancellable          *cancellable,
                                                GError               **error);

/* A job that opens its own connection to @db_path and imports @path, reporting progress
 * and the import rate (metric "rows/s"). The report is there once the job finished. */
SdJob          *sd_import_job_new              (const char            *db_path,
                                                const char            *path,
                                                const SdImportOptions *options);
SdImportReport *sd_import_job_get_report       (SdJob                 *job);

G_END_DECLS
