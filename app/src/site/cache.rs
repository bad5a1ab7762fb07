//! The site's brand and committee, read from the database once per page
//! generation rather than on every page: they change only through a
//! write, and every write moves the generation on (on every server; see
//! `Pages::changed`). A minute's limit covers a setting written
//! outside the web (the demo seed, a migration).

use std::sync::RwLock;
use std::time::{Duration, Instant};

use super::SiteInfo;
use platform::freshness::Pages;
use platform::{AppContext, AppError};

const MAX_AGE: Duration = Duration::from_secs(60);

/// The last site settings read, with the generation they were read under.
#[derive(Default)]
pub struct SiteCache(RwLock<Option<(u64, Instant, SiteInfo)>>);

impl SiteCache {
    fn fresh(&self, generation: u64) -> Option<SiteInfo> {
        let entry = self.0.read().expect("site cache lock");
        entry
            .as_ref()
            .filter(|(g, at, _)| *g == generation && at.elapsed() < MAX_AGE)
            .map(|(_, _, site)| site.clone())
    }

    fn store(&self, generation: u64, site: &SiteInfo) {
        *self.0.write().expect("site cache lock") =
            Some((generation, Instant::now(), site.clone()));
    }
}

/// The site settings, from the cache while they cannot have changed.
pub async fn site_info(ctx: &AppContext) -> Result<SiteInfo, AppError> {
    // Read before the database, so a write during the read leaves the
    // entry stale.
    let generation = ctx.feature::<Pages>()?.current();
    let cache = ctx.feature::<SiteCache>()?;
    if let Some(site) = cache.fresh(generation) {
        return Ok(site);
    }
    let site = super::queries::site_info(ctx.db.pool(), ctx.settings.demo).await?;
    cache.store(generation, &site);
    Ok(site)
}
