/* sd-import-private.h — what the format importers (sd-import-*.c) share
 *
 * sd-import.c owns the file, the transaction, the report and the loop over records;
 * a format only maps its columns (begin), turns one record into rows (row) and tidies
 * up (finish). Entities go through the helpers below, which upsert each external id
 * once per import and remember its rowid in memory, so a row costs one or two
 * statements rather than a lookup per column.
 */
#pragma once

#include "sd-csv.h"
#include "sd-import.h"

G_BEGIN_DECLS

typedef struct _SdImportContext SdImportContext;

typedef struct {
  SdImportFormat   format;
  const char      *name;          /* --format */
  const char      *label;
  /* How well a header (lower-cased, trimmed names) fits, 0 = not at all. */
  int            (*match)  (char **header, guint n_header);
  /* Prepares the reader before the header is read (separator, charset); may be NULL. */
  void           (*setup)  (SdImportContext *ctx, SdCsvReader *reader);
  /* Maps columns; fails (SD_ERROR_WRONG_FORMAT) when required ones are missing. */
  gboolean       (*begin)  (SdImportContext *ctx, GError **error);
  /* One record. Rejects bad rows itself (sd_import_reject); FALSE only when the
   * import as a whole must stop (a database error). */
  gboolean       (*row)    (SdImportContext *ctx, GError **error);
  gboolean       (*finish) (SdImportContext *ctx, GError **error);
  gpointer       (*state_new)  (void);
  void           (*state_free) (gpointer state);
  gboolean         has_header;
  /* The columns match() cannot do without ("a|b" for alternatives), named in the error
   * when the format is chosen by hand for a file that lacks one; may be NULL. */
  const char *const *required;
  /* English for a (lower-case) column name in another language, or NULL; may be NULL. */
  const char     *(*translate) (const char *name);
  /* Records shorter than the header are read with the missing fields empty: an
   * exporter that writes its rows before it knows every column. */
  gboolean         pads_short_records;
} SdImportFormatInfo;

extern const SdImportFormatInfo sd_import_online_retail;
extern const SdImportFormatInfo sd_import_movielens;
extern const SdImportFormatInfo sd_import_shopify_products;
extern const SdImportFormatInfo sd_import_shopify_orders;
extern const SdImportFormatInfo sd_import_shopify_customers;
extern const SdImportFormatInfo sd_import_woocommerce_products;
extern const SdImportFormatInfo sd_import_woocommerce_orders;
extern const SdImportFormatInfo sd_import_woocommerce_customers;
extern const SdImportFormatInfo sd_import_generic_customers;
extern const SdImportFormatInfo sd_import_generic_products;
extern const SdImportFormatInfo sd_import_generic_orders;
extern const SdImportFormatInfo sd_import_generic_events;

typedef struct {
  gint64 id;
  guint  n_lines;     /* lines written in this import: the next line_no - 1 */
  gint64 total_cents; /* of those lines */
  /* What the export says the order charged (sd_import_order_set_charges); without it
   * the total is the lines'. */
  gboolean has_charged;
  gint64 charged_cents, discount_cents, shipping_cents, tax_cents;
} SdImportOrder;

/* Rows of one table written by one statement (sd_store_values_sql). */
#define SD_IMPORT_ROWS_PER_INSERT 64

typedef struct {
  gint64 order_id, line_no, product_id, quantity, unit_price_cents;
} SdImportPendingLine;

struct _SdImportContext
{
  SdStore                  *store;
  const char               *path;
  char                     *name;          /* the file's base name, for messages */
  SdCsvReader              *reader;
  const SdImportFormatInfo *info;
  SdImportReport           *report;
  gboolean                  hash_identities;
  GBytes                   *identity_key;  /* the shop's HMAC key, when hashing */
  gpointer                  state;         /* the format's own */
  char                      separator;
  gboolean                  day_first;     /* “31/12/2023”: see sd_import_scan_date_order */
  gboolean                  has_header;    /* from the format; setup may change it */

  char                    **header;        /* as in the file */
  char                    **header_lower;  /* lower-cased, for matching */
  guint                     n_header;

  GHashTable               *customers;     /* external id → gint64 * rowid (0: forgotten) */
  const char               *last_customer_key;   /* in @customers: the last row's */
  const gint64             *last_customer;
  int                       has_erasures;  /* whether the shop has tombstones: -1 not asked yet */
  GHashTable               *products;      /* external id → gint64 * rowid */
  GHashTable               *orders;        /* external id → SdImportOrder * */
  /* The order of the last row, and its key in @orders: a basket's rows come together. */
  gboolean                  other_events;  /* an event not a purchase was written */
  const char               *last_order_key;
  SdImportOrder            *last_order;
  gint64                    last_order_before;  /* orders above this id are new */
  /* The purchase events of this import as they came, written at the end of the rows
   * (write_purchases), those of the same key summed there. */
  struct _SdImportPurchase *purchases;
  gsize                     n_purchases;
  gsize                     purchases_size;
  gint64                    max_purchase_customer;
  GStringChunk             *purchase_texts;

  /* Every order line written, for the summaries to sum without reading them back
   * (sd_summary_refresh_with_lines); NULL when there were too many to keep. */
  GArray                   *lines;         /* of SdSummaryLine */

  /* CREATE INDEX statements of indexes dropped for the import (see defer_indexes). */
  GPtrArray                *deferred_indexes;
  /* Lines of orders this import made, waiting to be written a batch at a time. */
  SdImportPendingLine       pending_lines[SD_IMPORT_ROWS_PER_INSERT];
  guint                     n_pending_lines;
  /* The statements run on every row, kept at hand (see hot_prepare). */
  SdStmt                   *hot[7];
};

/* The column named by any of @names (NULL-terminated, lower case), or -1. */
int          sd_import_column        (SdImportContext  *ctx,
                                      const char *const *names);
/* Like sd_import_column, but a missing column is a wrong-format error. */
gboolean     sd_import_require       (SdImportContext  *ctx,
                                      const char *const *names,
                                      int              *column,
                                      GError          **error);
gboolean     sd_import_header_has    (char            **header,
                                      guint             n_header,
                                      const char       *name);
/* The field of the current record in @column ("" when absent). */
const char  *sd_import_field         (SdImportContext  *ctx,
                                      int               column);
/* NULL when the field is empty or the column absent. */
const char  *sd_import_field_or_null (SdImportContext  *ctx,
                                      int               column);

/* Adds the current record to the rejects with a reason; always returns TRUE so a row
 * function can `return sd_import_reject (…)`. */
gboolean     sd_import_reject        (SdImportContext  *ctx,
                                      const char       *format,
                                      ...) G_GNUC_PRINTF (2, 3);
void         sd_import_count         (SdImportContext  *ctx,
                                      const char       *name);
void         sd_import_count_add     (SdImportContext  *ctx,
                                      const char       *name,
                                      guint64           n);

/* Field parsers. Each returns FALSE after rejecting the row with a reason naming the
 * column; an empty optional field leaves *out as it was and returns TRUE. */
gboolean     sd_import_get_int       (SdImportContext  *ctx,
                                      int               column,
                                      gboolean          required,
                                      gint64           *out);
gboolean     sd_import_get_cents     (SdImportContext  *ctx,
                                      int               column,
                                      gboolean          required,
                                      gint64           *out);
gboolean     sd_import_get_time      (SdImportContext  *ctx,
                                      int               column,
                                      gboolean          required,
                                      gint64           *out);

/* Reads @column of the whole file to tell whether its “dd/mm/yyyy” or “mm/dd/yyyy”
 * dates have the day first (some day above 12), and counts what it decided; the file
 * is month first when nothing tells (ambiguous dates are counted). */
gboolean     sd_import_scan_date_order (SdImportContext *ctx,
                                      int               column,
                                      GError          **error);

/* One of Shopdesk's order statuses: paid, shipped, delivered, cancelled, refunded, pending. */
gboolean     sd_import_status_is_known (const char     *status);

/* Pure parsers, exposed for the tests. */
gboolean     sd_import_parse_int     (const char       *text,
                                      gint64           *out);
/* Exact decimal to cents; sub-cent digits round half away from zero (*rounded). */
gboolean     sd_import_parse_cents   (const char       *text,
                                      gint64           *out,
                                      gboolean         *rounded);
/* ISO 8601 (date, date and time, optional zone), US “12/1/2010 8:26”, or unix seconds. */
gboolean     sd_import_parse_time    (const char       *text,
                                      gint64           *out);
/* The same, with “1/12/2023” read as 1 December when @day_first. */
gboolean     sd_import_parse_time_full (const char     *text,
                                      gboolean          day_first,
                                      gint64           *out);

/* Entities. Each returns a rowid, or -1 with @error on a database error. */
typedef struct {
  const char *external_id;
  const char *name;           /* plain: hashed here when the import hashes identities */
  const char *email;
  const char *country;
  const char *segment;
  gint64      created_at;     /* 0: leave as is */
} SdImportCustomer;

/* Inserts or updates every field given (NULL fields keep what is stored). A customer
 * forgotten in the shop (sd-erasure.h) is not written: 0, counted as
 * “forgotten-customers-skipped”; their orders are kept without a customer and their events
 * are skipped. */
gint64       sd_import_customer_full (SdImportContext  *ctx,
                                      const SdImportCustomer *customer,
                                      GError          **error);
/* A customer by external id: written on its first sight in this import, then only
 * looked up. */
gint64       sd_import_customer      (SdImportContext  *ctx,
                                      const char       *external_id,
                                      const char       *name,
                                      const char       *email,
                                      const char       *country,
                                      GError          **error);
/* A product's rowid by external id, 0 when the shop has none. */
gint64       sd_import_product_find  (SdImportContext  *ctx,
                                      const char       *external_id,
                                      GError          **error);
/* A product by external id, made (with @title or the id as its title) when unknown. */
gint64       sd_import_product_ref   (SdImportContext  *ctx,
                                      const char       *external_id,
                                      const char       *title,
                                      GError          **error);

typedef struct {
  const char *external_id;
  const char *title;
  const char *description;
  const char *category;
  const char *tags;
  gint64      price_cents;    /* < 0: leave as is */
  gint64      stock;          /* < 0: leave as is */
  gint64      created_at;     /* 0: leave as is */
  const char *status;         /* active, draft, archived, …; NULL: leave as is */
} SdImportProduct;

/* Inserts or updates every field given (NULL fields keep what is stored). */
gint64       sd_import_product       (SdImportContext  *ctx,
                                      const SdImportProduct *product,
                                      GError          **error);
/* Remembers that @sku names a variant of @product_id, so order lines find it. */
gboolean     sd_import_product_sku   (SdImportContext  *ctx,
                                      const char       *sku,
                                      gint64            product_id,
                                      GError          **error);
/* A product's rowid by a variant's SKU (sd_import_product_sku), 0 when unknown. */
gint64       sd_import_product_by_sku (SdImportContext *ctx,
                                      const char       *sku,
                                      GError          **error);
/* An order by external id: written on its first sight in this import (customer_id 0 =
 * none), then only looked up. */
SdImportOrder *sd_import_order       (SdImportContext  *ctx,
                                      const char       *external_id,
                                      gint64            customer_id,
                                      gint64            placed_at,
                                      const char       *status,
                                      const char       *currency,
                                      const char       *country,
                                      GError          **error);
SdImportOrder *sd_import_order_lookup (SdImportContext *ctx,
                                      const char       *external_id);
/* The order's own figures from the export: the total charged, and the discount,
 * shipping and tax in it. */
void         sd_import_order_set_charges (SdImportOrder *order,
                                      gint64            charged_cents,
                                      gint64            discount_cents,
                                      gint64            shipping_cents,
                                      gint64            tax_cents);
gboolean     sd_import_order_line    (SdImportContext  *ctx,
                                      SdImportOrder    *order,
                                      gint64            product_id,
                                      gint64            quantity,
                                      gint64            unit_price_cents,
                                      GError          **error);
/* A coupon code used on @order (kept in lower case) and the discount it gave; counted as
 * “coupon-uses”. */
gboolean     sd_import_coupon_use    (SdImportContext  *ctx,
                                      SdImportOrder    *order,
                                      const char       *code,
                                      gint64            discount_cents,
                                      GError          **error);
/* An event; purchases of the same product by the same customer at the same second
 * within one import add up their quantities. @rating 0 = none. */
gboolean     sd_import_event         (SdImportContext  *ctx,
                                      gint64            customer_id,
                                      gint64            product_id,
                                      SdEventKind       kind,
                                      gint64            at,
                                      gint64            quantity,
                                      int               rating,
                                      const char       *review_text,
                                      GError          **error);
/* Header matching for detection: 0 when a @required name (NULL-terminated lists, lower
 * case, "a|b" for alternatives) is missing, else more the more names are known. */
int          sd_import_match_columns (char            **header,
                                      guint             n_header,
                                      const char *const *required,
                                      const char *const *optional);
/* Text helpers for shop exports. */
char        *sd_import_strip_html    (const char       *html);
/* "Clothing > Hoodies, Sale" → "Hoodies": the deepest element of the first path. */
char        *sd_import_category_leaf (const char       *categories);
/* "Hair Accessories > Hair Pins, Claws & Clips" → "Hair Pins, Claws & Clips": the
 * deepest element of one path (a comma belongs to a name). */
char        *sd_import_category_path_leaf (const char  *path);
/* "a, b ,c" → "a,b,c" */
char        *sd_import_normalize_tags (const char      *tags);

/* @value hashed (HMAC-SHA-256 under the shop's key, “#” and 16 hex digits) when the
 * import hashes identities, else a copy; NULL for NULL or "". */
char        *sd_import_identity      (SdImportContext  *ctx,
                                      const char       *value);
/* A customer id from a file as the shop keys it: hashed when it is an e-mail and the
 * import hashes identities. */
char        *sd_import_customer_key  (SdImportContext  *ctx,
                                      const char       *external_id);

#define PROGRESS_EVERY  4096      /* rows between progress reports and cancel checks */
#define RAW_KEEP        512       /* bytes of a rejected row kept in the report */

/* Order lines kept for the summaries (32 bytes each); a larger import's figures read
 * its lines back from the shop. */
#define KNOWN_LINES_MAX (4 << 20)

/* sd-import.c: every format's columns and rows, by SdImportFormat */
extern const SdImportFormatInfo *const sd_import_formats[SD_N_IMPORT_FORMATS];

/* sd-import-detect.c */
const SdImportFormatInfo *sd_import_detect (SdCsvReader *reader, SdImportFormat wanted, char *separator_out, GError **error);
char **sd_import_lower_header (SdCsvReader *reader, guint *n);
gboolean sd_import_read_first (SdCsvReader *reader, char separator, const SdImportFormatInfo *info, SdImportContext *ctx, GError **error);
void sd_import_translate_header (const SdImportFormatInfo *info, char **header, guint n_header);

/* sd-import-fields.c */
char *sd_import_header_name (const char *name);
char *sd_import_lower_name (const char *name);

/* sd-import-identity.c */
gboolean sd_import_identities_begin (SdImportContext *ctx, gboolean asked, GError **error);

/* sd-import-report.c */
SdImportReport *sd_import_report_new (const char *path);
GPtrArray *sd_import_sorted_count_names (SdImportReport *report);

/* sd-import-rows.c */
void sd_import_bind_text_or_null (SdStmt *stmt, int index, const char *value);
gboolean sd_import_finish_orders (SdImportContext *ctx, GCancellable *cancellable, GError **error);
gboolean sd_import_flush_lines (SdImportContext *ctx, GError **error);
gboolean sd_import_record_import (SdImportContext *ctx, gint64 started_at, GError **error);
gboolean sd_import_write_purchases (SdImportContext *ctx, GCancellable *cancellable, GError **error);

G_END_DECLS
