// Placeholder: being written now (issue 9).
export default function ForgottenPasswordPage() {
  return <h1>ForgottenPassword</h1>;
}
