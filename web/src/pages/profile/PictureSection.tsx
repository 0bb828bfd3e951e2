/**
 * The guide's "change your profile picture": choose a file, see it, save it; or remove the
 * picture. The browser refuses a file of the wrong kind or size before sending it (the API's
 * own limits), and one it cannot show; the API checks the bytes again and its refusal is
 * said in words.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, type FormEvent, useState } from 'react';
import { unwrap } from '../../api/client';
import { isProblem } from '../../api/problem';
import { maxPictureBytes, pictureTypes } from '../../api/schemas';
import {
  Avatar,
  myPictureChanged,
  myPicturePath,
  useObjectUrl,
  usePicture,
} from '../../app/Avatar';
import { ErrorSummary } from '../../components/forms';
import { formatNumber, t } from '../../i18n';
import { meQueryKey, type User, useApi } from '../../session/session';
import { apiProblems, besideField, errorFor } from '../auth/problems';
import { SubmitButton } from '../auth/SubmitButton';
import { type FeedbackProps, FormActions, problemsOf, SectionStatus } from './feedback';

const words = t.profile.picture;
const fileFieldId = 'picture-file';

/** `1 MB`, `1.5 MB`, `340 KB`: binary units, as the API counts, rounded up (never under a limit). */
export function fileSize(bytes: number): string {
  const upToTenth = (value: number) => formatNumber(Math.ceil(value * 10) / 10);
  if (bytes >= 1024 * 1024) return t.profile.sizes.megabytes(upToTenth(bytes / (1024 * 1024)));
  return t.profile.sizes.kilobytes(upToTenth(bytes / 1024));
}

const maxSize = fileSize(maxPictureBytes);

/** What is wrong with a chosen file before it is sent, if anything. */
function checkFile(file: File): string | null {
  if (!pictureTypes.includes(file.type)) return words.wrongType(file.name);
  if (file.size > maxPictureBytes) return words.tooLarge(file.name, fileSize(file.size), maxSize);
  return null;
}

export function PictureSection({ me, feedback, setFeedback }: { me: User } & FeedbackProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  const current = usePicture(myPicturePath);
  const hasPicture = Boolean(current.data);
  const [chosen, setChosen] = useState<File | null>(null);
  const preview = useObjectUrl(chosen);
  // A new input after each save or cancel, so the same file can be chosen again.
  const [inputKey, setInputKey] = useState(0);
  const [isPending, setIsPending] = useState(false);
  const problems = problemsOf(feedback, 'picture');
  const fieldError = errorFor(problems, fileFieldId);

  const refuse = (message: string) => {
    setChosen(null);
    setInputKey((key) => key + 1);
    setFeedback({ form: 'picture', problems: [besideField(fileFieldId, message)] });
  };

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0] ?? null;
    if (!file) {
      setChosen(null);
      return;
    }
    const wrong = checkFile(file);
    if (wrong) {
      refuse(wrong);
      return;
    }
    setChosen(file);
    setFeedback(null);
  };

  const reset = () => {
    setChosen(null);
    setInputKey((key) => key + 1);
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (isPending) return;
    if (!chosen) {
      setFeedback({ form: 'picture', problems: [besideField(fileFieldId, words.chooseFirst)] });
      return;
    }
    setIsPending(true);
    setFeedback(null);
    try {
      const user = unwrap(
        await api.PUT('/me/picture', {
          // The bytes as they are, typed by the file's own type.
          body: chosen as unknown as string,
          bodySerializer: (body) => body,
          headers: { 'content-type': chosen.type },
        }),
      );
      queryClient.setQueryData(meQueryKey, user);
      await myPictureChanged(queryClient, chosen);
      reset();
      setFeedback({ form: 'picture', notice: words.saved });
    } catch (error) {
      setFeedback({
        form: 'picture',
        problems: isProblem(error, 'INVALID_IMAGE')
          ? [besideField(fileFieldId, words.refused)]
          : isProblem(error, 'PAYLOAD_TOO_LARGE')
            ? [besideField(fileFieldId, words.refusedTooLarge(maxSize))]
            : apiProblems(error, { fields: {}, fallbackFieldId: fileFieldId }),
      });
    } finally {
      setIsPending(false);
    }
  };

  const remove = async () => {
    if (isPending) return;
    setIsPending(true);
    setFeedback(null);
    try {
      unwrap(await api.DELETE('/me/picture'));
      await myPictureChanged(queryClient, null);
      setFeedback({ form: 'picture', notice: words.removed });
      // The button is gone: the file input is the next thing to use.
      document.getElementById(fileFieldId)?.focus();
    } catch (error) {
      setFeedback({
        form: 'picture',
        problems: apiProblems(error, { fields: {}, fallbackFieldId: fileFieldId }),
      });
    } finally {
      setIsPending(false);
    }
  };

  const describedBy = [`${fileFieldId}-hint`, fieldError ? `${fileFieldId}-error` : '']
    .filter(Boolean)
    .join(' ');

  return (
    <section className="panel" aria-labelledby="picture-heading">
      <h2 id="picture-heading">{words.heading}</h2>
      <SectionStatus feedback={feedback} form="picture" />
      <form className="form picture-form" onSubmit={save} noValidate>
        <ErrorSummary problems={problems} />
        <p className="hint">{words.intro}</p>
        <div className="picture-row">
          {chosen && preview ? (
            <figure className="picture-preview">
              <span className="avatar avatar-large">
                <img
                  src={preview}
                  alt={words.preview}
                  onError={() => refuse(words.unreadable(chosen.name))}
                />
              </span>
              <figcaption>{words.notSaved}</figcaption>
            </figure>
          ) : (
            <figure className="picture-preview">
              <Avatar
                name={me.name}
                picturePath={myPicturePath}
                size="large"
                label={words.current}
              />
              {hasPicture ? null : <figcaption>{words.none}</figcaption>}
            </figure>
          )}
          <div className={`field${fieldError ? ' field-invalid' : ''}`}>
            <label htmlFor={fileFieldId}>{words.choose}</label>
            <p className="hint" id={`${fileFieldId}-hint`}>
              {words.chooseHint(maxSize)}
            </p>
            {fieldError ? (
              <p className="field-error" id={`${fileFieldId}-error`}>
                {fieldError}
              </p>
            ) : null}
            <input
              key={inputKey}
              id={fileFieldId}
              className="file-input"
              type="file"
              accept={pictureTypes.join(',')}
              aria-describedby={describedBy}
              aria-invalid={fieldError ? true : undefined}
              onChange={choose}
            />
          </div>
        </div>
        <FormActions>
          <SubmitButton isPending={isPending && chosen !== null}>{words.save}</SubmitButton>
          {chosen ? (
            <button type="button" className="button secondary" onClick={reset}>
              {words.cancel}
            </button>
          ) : hasPicture ? (
            <button type="button" className="button secondary" onClick={() => void remove()}>
              {words.remove}
            </button>
          ) : null}
        </FormActions>
      </form>
    </section>
  );
}
