//! The black-box test suite, linked into one test binary: each module was
//! once its own binary, and every one of them statically linked the whole
//! server (hundreds of megabytes each on disk and as many link steps).

mod db_accounts;
mod db_console;
mod db_groups;
mod db_lectures;
mod db_readers;
mod db_reading;
mod db_search;
mod db_sessions;
mod db_stats;
mod db_threads;
mod faults;
mod feeds;
mod http_access;
mod http_accounts;
mod http_admin;
mod http_content_limits;
mod http_exposure;
mod http_lectures;
mod http_page_cache;
mod http_page_views;
mod http_reading;
mod http_search;
mod http_server;
mod http_signin;
mod http_threads;
mod logs;
mod schema;
mod startup;
