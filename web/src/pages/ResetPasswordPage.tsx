// Placeholder: being written now (issue 9).
export default function ResetPasswordPage() {
  return <h1>ResetPassword</h1>;
}
