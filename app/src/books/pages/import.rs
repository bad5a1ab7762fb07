use leptos::prelude::*;
use leptos_meta::Title;

use crate::admin::OrganisersOnly;
use crate::books::api::{ImportBooks, PreviewImport};
use crate::ui::form::{form_error, success_message};
use crate::ui::{FormAlert, Notice, SubmitButton};

/// CSV import: paste or pick a file, preview with row-by-row problems,
/// then import all rows or none.
#[component]
pub fn ImportPage() -> impl IntoView {
    view! {
        <Title text="导入图书"/>
        <OrganisersOnly>
            <h1>"从 CSV 导入图书"</h1>
            <ImportForms/>
        </OrganisersOnly>
    }
}

/// Reading a file, the preview and the import: an island, since the
/// preview's table and the file's text live in the browser until imported.
#[island]
fn ImportForms() -> impl IntoView {
    let preview = platform::flash::action::<PreviewImport>();
    let import = platform::flash::action::<ImportBooks>();
    let text = RwSignal::new(String::new());
    let file_error = RwSignal::new(None::<String>);
    // A new text invalidates the last preview.
    let previewed_text = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(input) = preview.input().get() {
            previewed_text.set(Some(input.csv));
        }
    });
    let preview_ok = move || {
        matches!(preview.value().get(), Some(Ok(p)) if p.invalid == 0 && p.valid > 0)
            && previewed_text.get().as_deref() == Some(text.get().as_str())
    };

    view! {
            <section class="panel">
                <p>"第一行为表头，可用列：" <code>"书名,作者,出版社,出版年份,ISBN,页数,简介"</code>"（书名、作者必填）。"
                   "可以从 Excel 另存为 “CSV UTF-8” 得到。先预览：有任何一行有问题时，不会导入任何图书。"</p>
                <div class="field">
                    <label for="csv-file">"选择 CSV 文件"</label>
                    <input id="csv-file" type="file" accept=".csv,text/csv"
                        on:change:target=move |ev| read_file(ev.target(), text, file_error)/>
                    <p class="field-error" role="alert" hidden=move || file_error.with(Option::is_none)>{move || file_error.get()}</p>
                </div>
                <ActionForm action=preview attr:class="form">
                    <div class="field">
                        <label for="field-csv">"或直接粘贴 CSV 内容"</label>
                        <textarea id="field-csv" name="csv" rows=10 prop:value=move || text.get()
                            on:input:target=move |ev| text.set(ev.target().value())></textarea>
                    </div>
                    <FormAlert message=form_error(preview.value())/>
                    <SubmitButton label="预览" busy_label="正在检查…" pending=preview.pending()/>
                </ActionForm>
            </section>

            {move || preview.value().get().and_then(Result::ok).map(|p| view! {
                <section class="panel" aria-labelledby="preview-title">
                    <h2 id="preview-title">"预览"</h2>
                    <p role="status">{format!("共 {} 行：{} 行可以导入，{} 行有问题。", p.valid + p.invalid, p.valid, p.invalid)}</p>
                    <div class="table-wrap">
                        <table class="data-table">
                            <thead><tr>
                                <th scope="col">"行号"</th><th scope="col">"书名"</th><th scope="col">"作者"</th>
                                <th scope="col">"ISBN"</th><th scope="col">"检查结果"</th>
                            </tr></thead>
                            <tbody>
                                {p.rows.into_iter().map(|r| {
                                    let ok = r.errors.is_empty();
                                    view! {
                                        <tr class:row-error=!ok>
                                            <td>{r.line}</td><td>{r.title}</td><td>{r.author}</td><td>{r.isbn}</td>
                                            <td>{if ok { "可以导入".to_owned() } else { r.errors.join("；") }}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
            })}

            <Show when=preview_ok>
                <ActionForm action=import attr:class="form">
                    <input type="hidden" name="csv" prop:value=move || text.get()/>
                    <FormAlert message=form_error(import.value())/>
                    <Notice message=success_message(import.value())/>
                    <SubmitButton label="确认导入" busy_label="正在导入…" pending=import.pending()/>
                </ActionForm>
            </Show>
    }
}

/// Reads the chosen file into the text box (after hydration).
fn read_file(
    input: leptos::web_sys::HtmlInputElement,
    text: RwSignal<String>,
    error: RwSignal<Option<String>>,
) {
    #[cfg(feature = "hydrate")]
    {
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        if file.size() > 1024.0 * 1024.0 {
            error.set(Some("文件不能超过 1 MB".to_owned()));
            return;
        }
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(v) => {
                    error.set(None);
                    text.set(v.as_string().unwrap_or_default());
                }
                Err(_) => error.set(Some(
                    "无法读取这个文件，请确认它是 UTF-8 编码的 CSV".to_owned(),
                )),
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (input, text, error);
}
