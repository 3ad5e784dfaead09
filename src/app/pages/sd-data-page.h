/* sd-data-page.h — every table of the shop, and imports of the shop's exports */
#pragma once

#include <adwaita.h>

#include "sd-import.h"
#include "sd-store.h"
#include "sd-table-model.h"

G_BEGIN_DECLS

#define SD_TYPE_DATA_PAGE (sd_data_page_get_type ())
G_DECLARE_FINAL_TYPE (SdDataPage, sd_data_page, SD, DATA_PAGE, GtkWidget)

SdStore      *sd_data_page_get_store  (SdDataPage *self);
void          sd_data_page_set_store  (SdDataPage *self,
                                       SdStore    *store);
/* The model behind the table on show. */
SdTableModel *sd_data_page_get_model  (SdDataPage *self);
void          sd_data_page_show_table (SdDataPage *self,
                                       SdTable     table);
/* Starts importing @path in the background, as the import dialog does once confirmed.
 * Returns FALSE when no shop is open or an import is already running. */
gboolean      sd_data_page_import_file (SdDataPage     *self,
                                        const char     *path,
                                        SdImportFormat  format,
                                        gboolean        hash_identities);
/* Whether an import started from this page is running. */
gboolean      sd_data_page_get_importing (SdDataPage *self);

G_END_DECLS
