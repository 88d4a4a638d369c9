"""Annual analytic documents: their content (blocks), the catalogue, the renderers."""
