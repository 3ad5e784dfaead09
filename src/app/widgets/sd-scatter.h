/* sd-scatter.h — a 2D scatter plot of labelled points in categories
 *
 * For maps of customers (PCA of embeddings) coloured by segment or cluster: axes, a legend
 * of the categories, labels at data positions, a hover tooltip with the point's label and category, "point-activated" on click,
 * scroll to zoom at the pointer, drag to pan, Shift+drag to draw a lasso, double click to reset.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SD_TYPE_SCATTER (sd_scatter_get_type ())
G_DECLARE_FINAL_TYPE (SdScatter, sd_scatter, SD, SCATTER, GtkWidget)

GtkWidget  *sd_scatter_new              (void);

/* Copies @n points. @categories (NULL: all 0) index the palette and the names given to
 * sd_scatter_set_categories(); @labels (NULL: "#1", "#2", …) show on hover. */
void        sd_scatter_set_points       (SdScatter          *self,
                                         const double       *x,
                                         const double       *y,
                                         const guint        *categories,
                                         const char * const *labels,
                                         guint               n);
guint       sd_scatter_get_n_points     (SdScatter          *self);
/* NULL-terminated category names for the legend (NULL: no legend). */
void        sd_scatter_set_categories   (SdScatter          *self,
                                         const char * const *names);
/* Copies @n labels drawn on the plot at data positions (@x, @y), e.g. cluster names at
 * their centres; n = 0 removes them. */
void        sd_scatter_set_notes        (SdScatter          *self,
                                         const double       *x,
                                         const double       *y,
                                         const char * const *labels,
                                         guint               n);
void        sd_scatter_set_axis_titles  (SdScatter          *self,
                                         const char         *x_title,
                                         const char         *y_title);
/* FALSE: axes without ticks, grid lines or numbers, for coordinates that have no unit (a
 * layout where only nearness means something). TRUE by default. */
void        sd_scatter_set_show_ticks   (SdScatter          *self,
                                         gboolean            show);
gboolean    sd_scatter_get_show_ticks   (SdScatter          *self);
/* The tick labels of the last drawn frame, x then y (empty before the first draw). */
guint       sd_scatter_get_n_tick_labels (SdScatter         *self);

/* Rings point @index (-1: none), e.g. the customer whose page is open. */
void        sd_scatter_set_selected     (SdScatter          *self,
                                         int                 index);
int         sd_scatter_get_selected     (SdScatter          *self);

/* The point drawn under widget point (@x, @y) (within a few pixels), or -1. */
int         sd_scatter_point_at         (SdScatter          *self,
                                         double              x,
                                         double              y);

/* Where point @index was last drawn, in widget coordinates (FALSE before the first draw). */
gboolean    sd_scatter_get_point_position (SdScatter        *self,
                                         guint               index,
                                         double             *x,
                                         double             *y);

void        sd_scatter_reset_view       (SdScatter          *self);
gboolean    sd_scatter_get_zoomed       (SdScatter          *self);
/* Zooms both axes by @factor (< 1 zooms in) around the centre. */
void        sd_scatter_zoom             (SdScatter          *self,
                                         double              factor);

/* Summary also set as the accessible description. */
const char *sd_scatter_get_description  (SdScatter          *self);

/* The points inside the last lasso (Shift+drag), as indices; empty before one. */
const guint *sd_scatter_get_lasso       (SdScatter          *self,
                                         guint              *n);
/* Selects the points inside the polygon of @n (x, y) pairs in data coordinates, as a lasso
 * drawn by hand would (for tests and keyboard-free use); emits "lasso-selected". */
void        sd_scatter_lasso_polygon    (SdScatter          *self,
                                         const double       *xy,
                                         guint               n);

/* Signal "point-activated" (guint index): a point was clicked.
 * Signal "lasso-selected" (guint n_points): a lasso was drawn around n_points points. */

G_END_DECLS
