"""Reference data shipped with the package (ISIC Rev. 4, CIIU Rev. 4 in Spanish: sections and divisions)."""
