//! The search server function.

use leptos::prelude::*;

use super::SearchResults;
use platform::error::AppError;

#[server(prefix = "/api", endpoint = "search")]
pub async fn search(
    q: String,
    kind: String,
    from: String,
    to: String,
    page: String,
) -> Result<SearchResults, AppError> {
    use super::queries::{self, Filter, Searcher};
    use super::tokens::{Query, highlight};
    use super::{Hit, KindResults, MAX_QUERY, PER_KIND, PER_PAGE, SearchKind, SearchRequest};
    use crate::accounts::session::current_user;
    use platform::time::{day_start, parse_day};
    use platform::{ctx, respond};

    respond(async move {
        let started = std::time::Instant::now();
        let ctx = ctx()?;
        let request = SearchRequest {
            q: q.trim().chars().take(MAX_QUERY).collect(),
            kind: SearchKind::parse(&kind),
            from: Some(from.trim().to_owned()).filter(|d| !d.is_empty()),
            to: Some(to.trim().to_owned()).filter(|d| !d.is_empty()),
            page: page.parse::<i64>().unwrap_or(1).clamp(1, 500),
        };
        let mut results = SearchResults {
            request: request.clone(),
            kinds: Vec::new(),
            total: 0,
            pages: 0,
            notice: None,
            took_ms: 0,
        };
        let mut filter = Filter {
            kind: request.kind,
            from: None,
            to: None,
        };
        for (day, end, slot) in [
            (&request.from, false, &mut filter.from),
            (&request.to, true, &mut filter.to),
        ] {
            if let Some(day) = day {
                match parse_day(day) {
                    Ok(d) => *slot = Some(day_start(d) + if end { 86_400 } else { 0 }),
                    Err(e) => {
                        results.notice = Some(e);
                        return Ok(results);
                    }
                }
            }
        }
        let query = Query::parse(&request.q);
        if query.is_empty() {
            if !request.q.is_empty() {
                results.notice = Some("请输入要查找的字词（标点和符号不参与搜索）".into());
            }
            return Ok(results);
        }
        let who = current_user()
            .await?
            .map(|u| Searcher {
                viewer: platform::Viewer::Account(u.id),
                organiser: u.is_organiser(),
            })
            .unwrap_or(Searcher {
                viewer: platform::Viewer::Visitor,
                organiser: false,
            });
        // What was just written is found at once.
        super::queries::index::catch_up(&ctx.db).await;
        // Counts of every kind, for the kind tabs, whatever kind is shown.
        let all_kinds = Filter {
            kind: None,
            ..filter
        };
        let counts = queries::counts(&ctx.db, who, &query, all_kinds).await?;
        let found = match request.kind {
            Some(_) => {
                let offset = (request.page - 1) * PER_PAGE;
                queries::page(&ctx.db, who, &query, filter, PER_PAGE, offset).await?
            }
            None => queries::top_of_each_kind(&ctx.db, who, &query, filter, PER_KIND).await?,
        };
        results.total = counts.iter().map(|(_, n)| n).sum();
        if let Some(kind) = request.kind {
            let of_kind = counts.iter().find(|(k, _)| *k == kind).map_or(0, |c| c.1);
            results.pages = (of_kind + PER_PAGE - 1) / PER_PAGE;
        }
        results.kinds = counts
            .into_iter()
            .map(|(kind, total)| KindResults {
                kind,
                total,
                hits: found
                    .iter()
                    .filter(|f| f.kind == kind)
                    .map(|f| Hit {
                        kind,
                        url: f.url.clone(),
                        title: highlight(&f.title, &query.needles, None),
                        excerpt: highlight(&f.body, &query.needles, Some(90)),
                        context: f.context.clone(),
                        created_at: f.created_at,
                    })
                    .collect(),
            })
            .collect();
        results.took_ms = started.elapsed().as_millis() as u64;
        Ok(results)
    })
    .await
}
