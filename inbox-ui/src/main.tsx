import { render } from "preact";
import "./styles.css";
import { applyDocumentLang } from "./i18n";
import { App } from "./app/App";

applyDocumentLang();
const root = document.getElementById("app");
if (root) render(<App />, root);
