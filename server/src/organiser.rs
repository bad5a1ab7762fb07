//! `shuxiang create-organiser`: the first organiser of a production site,
//! created from the command line. The password is read from standard input
//! (never from the command line, where `ps` would show it).

use app::accounts::validate::{DisplayName, Username, check_new_password};
use app::accounts::{Role, password, queries};
use platform::{Db, is_unique_violation, now};

use crate::BoxError;

pub async fn create(
    db: &Db,
    username: &str,
    display_name: &str,
    pass: String,
) -> Result<i64, BoxError> {
    let username = Username::parse(username)?;
    let display_name = DisplayName::parse(display_name)?;
    check_new_password(&pass)?;
    let hash = password::hash(pass).await?;
    match queries::insert(
        db.pool(),
        username.as_str(),
        display_name.as_str(),
        &hash,
        Role::Organiser,
        now(),
    )
    .await
    {
        Ok(id) => Ok(id),
        Err(e) if is_unique_violation(&e) => {
            Err(format!("用户名 {} 已被使用", username.as_str()).into())
        }
        Err(e) => Err(e.into()),
    }
}
