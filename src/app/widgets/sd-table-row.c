/* sd-table-row.c — one row of a shop table, already formatted for display */
#include "config.h"

#include "sd-table-row.h"

struct _SdTableRow
{
  GObject   parent_instance;

  gint64    rowid;
  char    **values;
  guint     n_values;
};

G_DEFINE_FINAL_TYPE (SdTableRow, sd_table_row, G_TYPE_OBJECT)

static void
sd_table_row_finalize (GObject *object)
{
  SdTableRow *self = SD_TABLE_ROW (object);

  for (guint i = 0; i < self->n_values; i++)
    g_free (self->values[i]);
  g_free (self->values);

  G_OBJECT_CLASS (sd_table_row_parent_class)->finalize (object);
}

static void
sd_table_row_class_init (SdTableRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sd_table_row_finalize;
}

static void
sd_table_row_init (SdTableRow *self)
{
}

SdTableRow *
sd_table_row_new (gint64   rowid,
                  char   **values,
                  guint    n_values)
{
  SdTableRow *self = g_object_new (SD_TYPE_TABLE_ROW, NULL);

  self->rowid = rowid;
  self->values = values;
  self->n_values = n_values;
  return self;
}

gint64
sd_table_row_get_rowid (SdTableRow *self)
{
  g_return_val_if_fail (SD_IS_TABLE_ROW (self), 0);
  return self->rowid;
}

guint
sd_table_row_get_n_values (SdTableRow *self)
{
  g_return_val_if_fail (SD_IS_TABLE_ROW (self), 0);
  return self->n_values;
}

const char *
sd_table_row_get_value (SdTableRow *self,
                        guint       column)
{
  g_return_val_if_fail (SD_IS_TABLE_ROW (self), "");
  if (column >= self->n_values || self->values[column] == NULL)
    return "";
  return self->values[column];
}
