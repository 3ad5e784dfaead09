/* sd-pca.h — principal component analysis of a small dense matrix, via LAPACK
 *
 * For maps of customer embeddings: n rows (customers) of d columns (ALS factors, d of a
 * few dozen). The d × d covariance is formed with BLAS (dsyrk) and decomposed with
 * LAPACK's dsyev, so the cost is O(n d² + d³) and n may be large.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Projects the @n rows of @data (row-major, @n × @d) onto their @n_components leading
 * principal axes: @out gets @n × @n_components scores, row-major. @explained (nullable,
 * @n_components entries) gets the share of the total variance each axis carries. Each
 * axis's sign is fixed so its largest loading is positive, so the picture does not flip
 * between runs. FALSE with @error when n < 2, n_components > d or LAPACK fails. */
gboolean sd_pca_project (const double  *data,
                         gsize          n,
                         guint          d,
                         guint          n_components,
                         double        *out,
                         double        *explained,
                         GError       **error);

G_END_DECLS
