# 书香 — the two commands are `make run` and `make test`; see README.md.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Project-local npm tools (wasm-opt) and cargo-installed tools come first.
export PATH := $(CURDIR)/tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

RELEASE_STAMP := target/.release-built
SOURCES := $(shell find platform/src app/src server/src server/migrations style public -type f 2>/dev/null) \
	Cargo.toml Cargo.lock platform/Cargo.toml app/Cargo.toml server/Cargo.toml

.PHONY: help run test test-sqlite bench build tools test-tools lint fmt clean-data

help:
	@echo "make run    启动平台（SQLite + 演示数据）http://127.0.0.1:3000"
	@echo "make test   运行全部测试（单元、两种数据库、HTTP、Playwright）"
	@echo "make test-sqlite  只在 SQLite 上运行 Rust 测试（无需 PostgreSQL 和浏览器，适合改代码时反复运行）"
	@echo "make lint   rustfmt + clippy（ssr 与 hydrate 两种构建）"
	@echo "make bench  性能基准：页面吞吐量（与 nginx 对比）、WebAssembly 大小、讨论区分页、搜索、大讲堂直播（SQLite 与 PostgreSQL）"

## Starts the platform on the embedded SQLite with the demo data.
## Honours DATABASE_URL and LEPTOS_SITE_ADDR; SHUXIANG_DEMO=0 for an empty site.
run: build
	SHUXIANG_DEMO=$${SHUXIANG_DEMO:-1} \
	LEPTOS_SITE_ADDR=$${LEPTOS_SITE_ADDR:-127.0.0.1:3000} \
	./target/release/shuxiang

## Runs every test.
test: test-tools
	scripts/test.sh

## The Rust tests (unit, database, HTTP) on SQLite only: no PostgreSQL,
## no release build, no browser. The inner loop while changing code;
## `make test` runs everything.
test-sqlite:
	@scripts/tools.sh nextest
	cargo nextest run --workspace -E 'not test(/postgres/)'

## Times the first, middle and last page of a 10-post and a 10,000-post
## thread on SQLite and PostgreSQL (starts and stops PostgreSQL like `make test`).
bench:
	scripts/bench.sh

# media.sh puts hls.js and the demo HLS stream into public/ (touching nothing
# when they are current); the sub-make then lists public/ afresh in SOURCES.
build: tools
	@scripts/media.sh
	@scripts/release-site-ok.sh || rm -f $(RELEASE_STAMP)
	@$(MAKE) --no-print-directory $(RELEASE_STAMP)

# Rebuilt only when a source changed, so a second `make run` starts at once.
# The stamp takes the time the build started: a file edited during the
# build is newer than it, so the next `make` builds again.
$(RELEASE_STAMP): $(SOURCES)
	@mkdir -p target && touch $@.started
	cargo leptos build --release -P
	@mv -f $@.started $@

tools:
	@scripts/tools.sh build

test-tools:
	@scripts/tools.sh test

lint: tools
	scripts/lint-sql.sh
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p app --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings

fmt:
	cargo fmt --all

## Deletes the local SQLite database and session key (the demo data returns on the next run).
clean-data:
	rm -rf data
