/**
 * One way every form of the console talks to the API: the button is disabled
 * while the request runs (a double click sends nothing twice), earlier errors
 * are cleared, and a refusal is shown in `errors` and, for a 400, next to the
 * inputs of `fields` that its paths name.
 */
import { errorAlert, issuesOf } from './error-view.js';

/** Runs `work()`; resolves to the error it threw (already shown), or undefined when it succeeded. */
export async function submitting({ button, errors, fields }, work) {
  button.disabled = true;
  errors.replaceChildren();
  fields?.showIssues([]);
  try {
    await work();
    return undefined;
  } catch (err) {
    fields?.showIssues(issuesOf(err));
    errors.replaceChildren(errorAlert(err));
    return err;
  } finally {
    button.disabled = false;
  }
}
