/* sd-rfm-grid.h — the recency × frequency grid store managers know, drawn
 *
 * Five columns of recency score (1 on the left, 5 — ordered most recently — on the right)
 * by five rows of frequency score (5 — most orders — at the top). Each cell is shaded by its
 * number of customers and shows it; cells of the same named group (Champions, At risk, …)
 * are outlined together and the group is named inside its region. Hovering a cell tells its
 * group, customers and revenue; the keyboard moves a focused cell with the arrows, and a
 * click or Enter emits "cell-activated". The widget draws what it is given and knows no
 * store: the caller passes the cells.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct {
  guint   customers;
  gint64  revenue_cents;
  guint   group;         /* index into the names given to sd_rfm_grid_set_cells() */
} SdRfmGridCell;

#define SD_TYPE_RFM_GRID (sd_rfm_grid_get_type ())
G_DECLARE_FINAL_TYPE (SdRfmGrid, sd_rfm_grid, SD, RFM_GRID, GtkWidget)

GtkWidget  *sd_rfm_grid_new          (void);

/* Copies @cells (25, cell (r, f) at [(r − 1) * 5 + f − 1]) and @group_names
 * (NULL-terminated); @currency formats revenue in the tooltips. */
void        sd_rfm_grid_set_cells    (SdRfmGrid           *self,
                                      const SdRfmGridCell *cells,
                                      const char * const  *group_names,
                                      const char          *currency);

/* The cell (scores 1 … 5) under widget point (@x, @y), as last laid out. */
gboolean    sd_rfm_grid_cell_at      (SdRfmGrid           *self,
                                      double               x,
                                      double               y,
                                      guint               *r,
                                      guint               *f);
/* Where cell (@r, @f) is drawn, for pointing a popover at it. */
gboolean    sd_rfm_grid_cell_rect    (SdRfmGrid           *self,
                                      guint                r,
                                      guint                f,
                                      GdkRectangle        *rect);

/* What a click at (@x, @y) does: focuses the cell there and emits "cell-activated"
 * (guint r, guint f). FALSE when the point is on no cell. */
gboolean    sd_rfm_grid_activate_at  (SdRfmGrid           *self,
                                      double               x,
                                      double               y);

/* The keyboard's cell, and what it is in words (also the accessible description). */
void        sd_rfm_grid_get_focus_cell (SdRfmGrid         *self,
                                        guint             *r,
                                        guint             *f);
char       *sd_rfm_grid_describe_cell  (SdRfmGrid         *self,
                                        guint              r,
                                        guint              f);

G_END_DECLS
