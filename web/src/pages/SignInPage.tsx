// Placeholder: being written now (issue 9).
export default function SignInPage() {
  return <h1>SignIn</h1>;
}
