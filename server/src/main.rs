//! `shuxiang` — serve the platform, or create the first organiser.

use std::io::BufRead;

use server::{BoxError, config::Config, telemetry};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
用法 / usage:
  shuxiang                      启动服务 (serve)
  shuxiang serve                启动服务 (serve)
  shuxiang create-organiser --username <用户名> --display-name <显示名称>
                                创建管理员；密码从标准输入读取 (password read from stdin)
配置见 README（环境变量 DATABASE_URL、SHUXIANG_ENV、SHUXIANG_SESSION_SECRET…）";

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("shuxiang: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = Config::from_env()?;
    telemetry::init(config.log_json);
    match args.first().map(String::as_str) {
        None | Some("serve") => serve(config).await,
        Some("create-organiser") => create_organiser(config, &args[1..]).await,
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n{USAGE}").into()),
    }
}

async fn serve(config: Config) -> Result<(), BoxError> {
    tracing::info!(
        mode = ?config.mode,
        database = %platform::Backend::from_url(&config.database_url).map_or("?", |b| b.name()),
        demo = config.demo,
        "starting 书香"
    );
    let running = server::start(&config, server::shutdown_signal()).await?;
    tracing::info!("listening on http://{}", running.addr);
    running.wait().await;
    Ok(())
}

fn option(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

async fn create_organiser(config: Config, args: &[String]) -> Result<(), BoxError> {
    let username = option(args, "--username").ok_or("--username is required")?;
    let display_name = option(args, "--display-name").ok_or("--display-name is required")?;
    eprintln!("请输入新管理员的密码（至少 8 个字符），回车结束 / enter the password:");
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']).to_owned();
    let db = server::db::open(&config.database_url, 2).await?;
    let result = server::organiser::create(&db, &username, &display_name, password).await;
    db.close().await;
    let id = result?;
    println!("已创建管理员 {username}（id {id}）/ organiser created");
    Ok(())
}
