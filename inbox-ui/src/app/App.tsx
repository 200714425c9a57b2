// Top level: asks the server who is signed in, then shows the login or the app.
import { useEffect } from "preact/hooks";
import { t } from "../i18n";
import { currentStaff, loadSession } from "../lib/session";
import { LoginPage } from "./LoginPage";
import { Shell } from "./Shell";

export function App() {
  useEffect(() => {
    void loadSession();
  }, []);
  const me = currentStaff.value;
  if (me === undefined) {
    return (
      <div class="splash" role="status">
        {t("appStarting")}
      </div>
    );
  }
  return me ? <Shell me={me} /> : <LoginPage />;
}
