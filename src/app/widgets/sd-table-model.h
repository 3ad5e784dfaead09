/* sd-table-model.h — a GListModel over one shop table, paged from SQLite
 *
 * The row order (sort column, search filter) is computed once in a worker thread with
 * its own connection, as the list of rowids in display order (or, for a table's natural
 * order without gaps, just its count and first rowid); rows themselves are
 * fetched on demand on the main thread, a page of 256 at a time by primary key, and
 * kept in a small cache. So a million rows scroll smoothly: showing any row costs a
 * few primary-key lookups, never an OFFSET scan.
 */
#pragma once

#include <gio/gio.h>

#include "sd-store.h"
#include "sd-table-query.h"
#include "sd-table-row.h"

G_BEGIN_DECLS

/* The tables, their columns (sd_table_get_*) and the queries are the core's whitelist in
 * sd-table-query.h; this model pages through them. */

#define SD_TYPE_TABLE_MODEL (sd_table_model_get_type ())
G_DECLARE_FINAL_TYPE (SdTableModel, sd_table_model, SD, TABLE_MODEL, GObject)

SdTableModel *sd_table_model_new           (void);
/* The main-thread connection rows are read through; its path is what the worker opens. */
void          sd_table_model_set_store     (SdTableModel *self,
                                            SdStore      *store);
SdStore      *sd_table_model_get_store     (SdTableModel *self);
/* Switching table empties the model at once, clears sort and search, and reloads. */
void          sd_table_model_set_table     (SdTableModel *self,
                                            SdTable       table);
SdTable       sd_table_model_get_table     (SdTableModel *self);
/* @column -1 for the table's natural order (by rowid). Only sortable columns are taken:
 * the ORDER BY comes from the table's fixed column list, never from the caller. */
void          sd_table_model_set_sort      (SdTableModel *self,
                                            int           column,
                                            gboolean      descending);
int           sd_table_model_get_sort_column (SdTableModel *self);
gboolean      sd_table_model_get_descending  (SdTableModel *self);
/* Rows whose text columns contain @text (case-insensitive for ASCII); NULL or "" for all. */
void          sd_table_model_set_search    (SdTableModel *self,
                                            const char   *text);
/* Recomputes the row order, e.g. after SdStore::changed. */
void          sd_table_model_reload        (SdTableModel *self);
/* Which columns have a value in some row (sd_table_query_filled_columns()): bit i for
 * column i; every bit while unknown and for an empty table. Notified as "filled-columns",
 * after a change of table, shop or data (sd_table_model_reload()). */
guint64       sd_table_model_get_filled_columns (SdTableModel *self);
/* TRUE while a worker computes the row order or the filled columns; the old rows stay
 * visible meanwhile. */
gboolean      sd_table_model_get_loading   (SdTableModel *self);
/* The shop's currency code money columns are shown in (NULL: none set). */
const char   *sd_table_model_get_currency  (SdTableModel *self);
/* The message of the last failed load, or NULL. */
const char   *sd_table_model_get_error     (SdTableModel *self);

G_END_DECLS
