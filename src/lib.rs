//! netpolc
