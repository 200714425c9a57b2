// Where the staff app loads a stored photo or file from (served by routes/media.ts with access checks).
export const mediaPath = (mediaId: string) => `/api/media/${mediaId}`;
